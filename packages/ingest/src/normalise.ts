import { QUALITIES, type Point, type PointAttr, type PointCandidate, type Quality, type Reject, type RejectReason } from '@outpost/contract';
import { ClockSkewTracker, type ClockSkewOptions } from './clock-skew.js';
import { converter, isKnownUnit, type Converter } from './units.js';

export interface MetricRule {
  /** Values outside [min, max] (in the stored unit, after conversion) are rejected. */
  min?: number;
  max?: number;
  /** Unit assumed when a point carries none. */
  unit?: string;
  /** Unit to store the metric in; points in another unit of the same dimension are converted. */
  convertTo?: string;
}

export interface NormaliseOptions {
  /** 'keep' stores bad-quality points flagged; 'drop' rejects them (reason bad_quality). */
  badQuality: 'keep' | 'drop';
  /** Points further ahead of gateway time than this (after skew correction) are rejected. */
  maxFutureMs: number;
  /** Points older than this are rejected. */
  maxPastMs: number;
  clockSkew: ClockSkewOptions;
  metrics: Record<string, MetricRule>;
  /**
   * Payload fields kept on each point as transient attributes (`Point.attrs`): not stored, but
   * seen by alert rules and action templates. Values must be strings, finite numbers or booleans.
   */
  attributes?: readonly string[];
}

export const DEFAULT_NORMALISE: NormaliseOptions = {
  badQuality: 'keep',
  maxFutureMs: 5 * 60_000,
  maxPastMs: 7 * 86_400_000,
  clockSkew: { correct: true, thresholdMs: 2000, window: 20 },
  metrics: {},
};

const NAME = /^[A-Za-z0-9_.:\-/]{1,128}$/;
const NUMERIC_STRING = /^\s*[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?\s*$/;
const NON_FINITE_STRING = /^\s*[-+]?(NaN|Infinity|inf)\s*$/i;
const MAX_STRING_VALUE = 1024;
const MAX_ATTR_STRING = 256;
/** Fields of the point model itself; an attribute of the same name would shadow them. */
export const POINT_FIELDS: readonly string[] = ['device', 'metric', 'ts', 'value', 'unit', 'quality', 'tags', 'points'];

/** Checks `gateway.ingest.attributes`; throws naming the bad entry. */
export function checkAttributeNames(names: readonly string[], path = 'gateway.ingest.attributes'): void {
  names.forEach((n, i) => {
    if (typeof n !== 'string' || !/^[A-Za-z_][A-Za-z0-9_]{0,63}$/.test(n)) throw new Error(`${path}[${i}]: ${JSON.stringify(n)} is not a field name; expected 1-64 letters, digits or _ (not starting with a digit)`);
    if (POINT_FIELDS.includes(n)) throw new Error(`${path}[${i}]: "${n}" is a field of the point itself; attributes are the other payload fields (e.g. "seq")`);
    if (names.indexOf(n) !== i) throw new Error(`${path}[${i}]: "${n}" is listed twice`);
  });
}

interface CompiledRule { min: number; max: number; defaultUnit: string | undefined; to: string | undefined; convert: Map<string, Converter | string> }

/**
 * Turns point candidates into points, or into rejects that say what was wrong, where, and what
 * was expected. Pure except for the per-device clock-skew state.
 */
export class Normaliser {
  private readonly rules = new Map<string, CompiledRule>();
  private readonly skew: ClockSkewTracker;
  private readonly attributes: readonly string[];

  constructor(private readonly opts: NormaliseOptions = DEFAULT_NORMALISE) {
    this.attributes = opts.attributes ?? [];
    checkAttributeNames(this.attributes);
    for (const [metric, r] of Object.entries(opts.metrics)) {
      for (const u of [r.unit, r.convertTo]) {
        if (u !== undefined && !isKnownUnit(u)) throw new Error(`gateway.ingest.metrics.${metric}: unknown unit "${u}"`);
      }
      this.rules.set(metric, { min: r.min ?? -Infinity, max: r.max ?? Infinity, defaultUnit: r.unit, to: r.convertTo, convert: new Map() });
    }
    this.skew = new ClockSkewTracker(opts.clockSkew);
  }

  skewCorrections(): Record<string, number> {
    return this.skew.corrections();
  }

  normalise(c: PointCandidate, index: number, receivedAt: number, defaults?: { device?: string; tags?: Record<string, string> }): Point | Reject {
    if (c === null || typeof c !== 'object' || Array.isArray(c)) return rej('bad_shape', index, `point ${index}: expected an object, got ${describe(c)}`);
    const device = c.device ?? defaults?.device;
    if (device === undefined) return rej('missing_field', index, `point ${index}: "device" is missing (and the topic/route gives none)`);
    if (typeof device !== 'string' || !NAME.test(device)) return rej('wrong_type', index, `point ${index}: "device" must be 1–128 characters of letters, digits and _ . : - /, got ${describe(device)}`);
    const metric = c.metric;
    if (metric === undefined) return rej('missing_field', index, `point ${index}: "metric" is missing`, device);
    if (typeof metric !== 'string' || !NAME.test(metric)) return rej('wrong_type', index, `point ${index}: "metric" must be 1–128 characters of letters, digits and _ . : - /, got ${describe(metric)}`, device);

    let quality: Quality | undefined;
    if (c.quality !== undefined && c.quality !== 'good') {
      if (typeof c.quality !== 'string' || !QUALITIES.includes(c.quality as Quality)) return rej('wrong_type', index, `point ${index} (${device}/${metric}): "quality" must be one of good, uncertain, bad, got ${describe(c.quality)}`, device, metric);
      quality = c.quality as Quality;
      if (quality === 'bad' && this.opts.badQuality === 'drop') return rej('bad_quality', index, `point ${index} (${device}/${metric}): bad-quality point dropped (gateway.ingest.badQuality = drop)`, device, metric);
    }

    let value = c.value;
    if (value === undefined) return rej('missing_field', index, `point ${index} (${device}/${metric}): "value" is missing`, device, metric);
    if (value === null) {
      if (quality !== 'bad') return rej('wrong_type', index, `point ${index} (${device}/${metric}): "value" is null; a gap must carry quality "bad"`, device, metric);
    } else if (typeof value === 'number') {
      if (!Number.isFinite(value)) return rej('not_finite', index, `point ${index} (${device}/${metric}): value ${value} is not a finite number`, device, metric);
    } else if (typeof value === 'string') {
      if (NON_FINITE_STRING.test(value)) return rej('not_finite', index, `point ${index} (${device}/${metric}): value "${value}" is not a finite number`, device, metric);
      if (NUMERIC_STRING.test(value)) return rej('wrong_type', index, `point ${index} (${device}/${metric}): value "${value.trim()}" is a number written as a string; send a JSON number`, device, metric);
      if (value.length > MAX_STRING_VALUE) return rej('wrong_type', index, `point ${index} (${device}/${metric}): string value of ${value.length} characters exceeds ${MAX_STRING_VALUE}`, device, metric);
    } else if (typeof value !== 'boolean') {
      return rej('wrong_type', index, `point ${index} (${device}/${metric}): "value" must be a number, boolean or string, got ${describe(value)}`, device, metric);
    }

    const ts = parseTs(c.ts, receivedAt);
    if (typeof ts === 'string') return rej('bad_timestamp', index, `point ${index} (${device}/${metric}): ${ts}`, device, metric);
    const corrected = c.ts === undefined ? ts : ts + this.skew.observe(device, ts, receivedAt);
    if (corrected > receivedAt + this.opts.maxFutureMs) return rej('future_timestamp', index, `point ${index} (${device}/${metric}): timestamp ${new Date(corrected).toISOString()} is more than ${this.opts.maxFutureMs} ms ahead of gateway time`, device, metric);
    if (corrected < receivedAt - this.opts.maxPastMs) return rej('past_timestamp', index, `point ${index} (${device}/${metric}): timestamp ${isoOr(corrected)} is more than ${this.opts.maxPastMs} ms in the past`, device, metric);

    let unit: string | undefined;
    if (c.unit !== undefined && c.unit !== null) {
      if (typeof c.unit !== 'string' || c.unit.length > 32) return rej('wrong_type', index, `point ${index} (${device}/${metric}): "unit" must be a string of at most 32 characters, got ${describe(c.unit)}`, device, metric);
      unit = c.unit;
    }
    const rule = this.rules.get(metric);
    if (rule) {
      unit ??= rule.defaultUnit;
      if (typeof value === 'number') {
        if (rule.to !== undefined && unit !== undefined && unit !== rule.to) {
          let conv = rule.convert.get(unit);
          if (conv === undefined) { conv = converter(unit, rule.to); rule.convert.set(unit, conv); }
          if (typeof conv === 'string') return rej('unknown_unit', index, `point ${index} (${device}/${metric}): ${conv}`, device, metric);
          value = conv(value);
          unit = rule.to;
        }
        if ((value as number) < rule.min || (value as number) > rule.max) return rej('out_of_range', index, `point ${index} (${device}/${metric}): value ${value} is outside the configured range [${rule.min}, ${rule.max}]${unit ? ` ${unit}` : ''}`, device, metric);
      }
    }

    let tags = defaults?.tags;
    if (c.tags !== undefined && c.tags !== null) {
      if (typeof c.tags !== 'object' || Array.isArray(c.tags) || !Object.values(c.tags).every((v) => typeof v === 'string')) {
        return rej('wrong_type', index, `point ${index} (${device}/${metric}): "tags" must be an object of string values, got ${describe(c.tags)}`, device, metric);
      }
      tags = tags ? { ...tags, ...(c.tags as Record<string, string>) } : (c.tags as Record<string, string>);
    }

    let attrs: Record<string, PointAttr> | undefined;
    for (const name of this.attributes) {
      const a = (c as Record<string, unknown>)[name];
      if (a === undefined || a === null) continue;
      if (!(typeof a === 'boolean' || (typeof a === 'number' && Number.isFinite(a)) || (typeof a === 'string' && a.length <= MAX_ATTR_STRING))) {
        return rej('wrong_type', index, `point ${index} (${device}/${metric}): attribute "${name}" (gateway.ingest.attributes) must be a string of at most ${MAX_ATTR_STRING} characters, a finite number or a boolean, got ${describe(a)}`, device, metric);
      }
      (attrs ??= {})[name] = a;
    }

    const p: Point = { device, metric, ts: corrected, value: value as Point['value'] };
    if (unit !== undefined) p.unit = unit;
    if (quality !== undefined) p.quality = quality;
    if (tags !== undefined) p.tags = tags;
    if (attrs !== undefined) p.attrs = attrs;
    return p;
  }
}

/** Epoch ms from a number (s, ms, µs or ns by magnitude) or an ISO-8601 string; a message when unusable. */
export function parseTs(ts: unknown, receivedAt: number): number | string {
  if (ts === undefined || ts === null) return receivedAt;
  if (typeof ts === 'number') {
    if (!Number.isFinite(ts) || ts < 0) return `"ts" must be a non-negative epoch time, got ${ts}`;
    if (ts < 1e11) return Math.round(ts * 1000); // seconds
    if (ts < 1e14) return Math.round(ts); // milliseconds
    if (ts < 1e17) return Math.round(ts / 1000); // microseconds
    return Math.round(ts / 1e6); // nanoseconds
  }
  if (typeof ts === 'string') {
    const ms = Date.parse(ts);
    if (Number.isNaN(ms) || !/^\d{4}-\d{2}-\d{2}/.test(ts)) return `"ts" string ${JSON.stringify(ts.slice(0, 40))} is not an ISO-8601 date-time`;
    return ms;
  }
  return `"ts" must be epoch milliseconds or an ISO-8601 string, got ${describe(ts)}`;
}

function rej(reason: RejectReason, index: number, message: string, device?: string, metric?: string): Reject {
  const r: Reject = { reason, message, index };
  if (device !== undefined) r.device = device;
  if (metric !== undefined) r.metric = metric;
  return r;
}

function isoOr(ms: number): string {
  const d = new Date(ms);
  return Number.isNaN(d.getTime()) ? String(ms) : d.toISOString();
}

function describe(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  if (typeof v === 'string') return `string ${JSON.stringify(v.length > 40 ? `${v.slice(0, 40)}…` : v)}`;
  if (typeof v === 'object') return 'an object';
  return `${typeof v} ${String(v)}`;
}

export function isReject(x: Point | Reject): x is Reject {
  return (x as Reject).reason !== undefined;
}
