import type { Point, PointValue, Quality } from '../point.js';
import { pointSetType, toNum } from './schema.js';

/** Largest decimal exponent tried when looking for an exact scaled-integer form of a series. */
const MAX_DECIMALS = 6;
const POW10 = [1, 10, 100, 1000, 10_000, 100_000, 1_000_000];
const QUALITY_CODE: Record<Quality, number> = { good: 0, uncertain: 1, bad: 2 };
const QUALITY_BY_CODE: Quality[] = ['good', 'uncertain', 'bad'];

interface SeriesMsg {
  device: number; metric: number; unit: number; tags: number;
  tsDelta: number[]; decimals: number; scaledDelta: number[]; doubles: number[];
  flags: number[]; booleans: boolean[]; texts: string[];
}

/** Encode points column-wise (see `PointSet` in uplink.proto). Order within a (device, metric, unit, tags) series is kept. */
export function encodePointSet(points: readonly Point[]): Uint8Array {
  const strings: string[] = [];
  const index = new Map<string, number>();
  const intern = (s: string): number => {
    let i = index.get(s);
    if (i === undefined) { i = strings.length; strings.push(s); index.set(s, i); }
    return i;
  };
  const groups = new Map<string, Point[]>();
  for (const p of points) {
    const tags = p.tags && Object.keys(p.tags).length > 0 ? JSON.stringify(p.tags) : '';
    const key = `${p.device}\u0000${p.metric}\u0000${p.unit ?? ''}\u0000${tags}`;
    let g = groups.get(key);
    if (g === undefined) { g = []; groups.set(key, g); }
    g.push(p);
  }
  const series: SeriesMsg[] = [];
  for (const g of groups.values()) {
    const first = g[0]!;
    const tags = first.tags && Object.keys(first.tags).length > 0 ? JSON.stringify(first.tags) : '';
    series.push(encodeSeries(g, intern(first.device), intern(first.metric), first.unit !== undefined ? intern(first.unit) + 1 : 0, tags ? intern(tags) + 1 : 0));
  }
  return pointSetType().encode({ strings, series }).finish();
}

function encodeSeries(g: Point[], device: number, metric: number, unit: number, tags: number): SeriesMsg {
  const tsDelta: number[] = new Array(g.length);
  let prevTs = 0;
  let plain = true;
  const numbers: number[] = [];
  const flags: number[] = new Array(g.length);
  const booleans: boolean[] = [];
  const texts: string[] = [];
  for (let i = 0; i < g.length; i++) {
    const p = g[i]!;
    tsDelta[i] = p.ts - prevTs;
    prevTs = p.ts;
    const q = QUALITY_CODE[p.quality ?? 'good'] << 2;
    const v = p.value;
    if (typeof v === 'number') { numbers.push(v); flags[i] = q; }
    else if (typeof v === 'boolean') { booleans.push(v); flags[i] = q | 1; }
    else if (typeof v === 'string') { texts.push(v); flags[i] = q | 2; }
    else { flags[i] = q | 3; }
    if (flags[i] !== 0) plain = false;
  }
  const decimals = decimalsFor(numbers);
  const scaledDelta: number[] = [];
  if (decimals >= 0) {
    const p10 = POW10[decimals]!;
    let prev = 0;
    for (const v of numbers) { const s = Math.round(v * p10); scaledDelta.push(s - prev); prev = s; }
  }
  return {
    device, metric, unit, tags, tsDelta, decimals, scaledDelta,
    doubles: decimals >= 0 ? [] : numbers, flags: plain ? [] : flags, booleans, texts,
  };
}

/** The smallest d such that every value is exactly round(v·10^d)/10^d with a safe integer; -1 if none. */
function decimalsFor(values: number[]): number {
  let d = 0;
  for (const v of values) {
    while (d <= MAX_DECIMALS) {
      const s = Math.round(v * POW10[d]!);
      if (Number.isSafeInteger(s) && s / POW10[d]! === v && !Object.is(v, -0)) break;
      d++;
    }
    if (d > MAX_DECIMALS) return -1;
  }
  // A later d may not hold for earlier values (it always should, but verify rather than assume).
  if (d > 0) {
    for (const v of values) {
      const s = Math.round(v * POW10[d]!);
      if (!Number.isSafeInteger(s) || s / POW10[d]! !== v) return -1;
    }
  }
  return d;
}

/** Decode a PointSet back into points (series by series). */
export function decodePointSet(bytes: Uint8Array): Point[] {
  const msg = pointSetType().decode(bytes) as unknown as { strings: string[]; series: Array<Record<string, unknown>> };
  const strings = msg.strings;
  const out: Point[] = [];
  for (let si = 0; si < msg.series.length; si++) {
    const s = msg.series[si]!;
    const device = strings[(s.device as number) ?? 0];
    const metric = strings[(s.metric as number) ?? 0];
    if (device === undefined || metric === undefined || ((s.unit as number) ?? 0) > strings.length || ((s.tags as number) ?? 0) > strings.length) {
      throw new Error(`series ${si}: a string index is out of range (${strings.length} strings)`);
    }
    const unitIdx = (s.unit as number) ?? 0;
    const tagsIdx = (s.tags as number) ?? 0;
    const unit = unitIdx > 0 ? strings[unitIdx - 1] : undefined;
    const tags = tagsIdx > 0 ? JSON.parse(strings[tagsIdx - 1]!) as Record<string, string> : undefined;
    const tsDelta = s.tsDelta as unknown[];
    const decimals = (s.decimals as number) ?? 0;
    const scaled = s.scaledDelta as unknown[];
    const doubles = s.doubles as number[];
    const flags = s.flags as number[];
    const booleans = s.booleans as boolean[];
    const texts = s.texts as string[];
    if (decimals > MAX_DECIMALS || decimals < -1) throw new Error(`series ${si}: decimals ${decimals} out of range`);
    const types = [0, 0, 0, 0];
    for (let i = 0; i < tsDelta.length; i++) types[flags.length > 0 ? flags[i]! & 3 : 0]!++;
    if ((flags.length > 0 && flags.length !== tsDelta.length) || types[0] !== (decimals >= 0 ? scaled.length : doubles.length) || types[1] !== booleans.length || types[2] !== texts.length) {
      throw new Error(`series ${si}: value columns do not match its ${tsDelta.length} timestamps`);
    }
    const p10 = decimals >= 0 ? POW10[decimals]! : 1;
    let ts = 0; let scaledAcc = 0; let ni = 0; let bi = 0; let ti = 0;
    for (let i = 0; i < tsDelta.length; i++) {
      ts += toNum(tsDelta[i]);
      const f = flags.length > 0 ? flags[i]! : 0;
      let value: PointValue | null;
      switch (f & 3) {
        case 0:
          if (decimals >= 0) { scaledAcc += toNum(scaled[ni++]); value = scaledAcc / p10; } else value = doubles[ni++]!;
          break;
        case 1: value = booleans[bi++]!; break;
        case 2: value = texts[ti++]!; break;
        default: value = null;
      }
      const p: Point = { device, metric, ts, value };
      const q = QUALITY_BY_CODE[(f >> 2) & 3] ?? 'good';
      if (q !== 'good') p.quality = q;
      if (unit !== undefined) p.unit = unit;
      if (tags !== undefined) p.tags = { ...tags };
      out.push(p);
    }
  }
  return out;
}
