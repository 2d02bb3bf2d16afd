/**
 * Points as columns: how a batch crosses the JavaScript sandbox boundary in both directions
 * (requests `{ c }`, replies `{ c }`, see js/bootstrap.ts), for batches of MIN_COLUMN_POINTS or more. One array per field and each
 * device, metric, unit and quality string once is about half the JSON of the same points as
 * objects, and V8 reads and writes arrays of numbers faster than objects with keys; the JSON
 * in and out is most of what a batched call costs (docs/sandbox.md, "Throughput").
 *
 *   s: [string…]               string table
 *   d: [i…], m: [i…]           device, metric: indexes into s
 *   t: [ts…], v: [value…]      timestamp, value (number, string, boolean or null)
 *   b?: number                 when present, t holds ts − b: every ts is a safe integer, and
 *                              small offsets print and parse much faster than 13-digit numbers
 *   u?: [i…], q?: [i…]         unit, quality: indexes into s, -1 where a point has none;
 *                              left out when no point has one
 *   g?: [tags|null…]           tags, null where a point has none; left out when none has them
 *   a?: [attrs|null…]          attrs (requests only: output points never carry attrs)
 *
 * Only plain points are sent this way; anything else goes as JSON objects (`data` / `p`), so a
 * script sees the same values either way. Field order inside the sandbox is device, metric, ts,
 * value, unit, quality, tags, attrs.
 */
import type { Point } from '@outpost/contract';

/** Below this many points objects are cheaper than building columns and a string table. */
export const MIN_COLUMN_POINTS = 8;

export interface Columns {
  s: string[];
  b?: number;
  d: number[];
  m: number[];
  t: number[];
  v: unknown[];
  u?: number[];
  q?: number[];
  g?: unknown[];
  a?: unknown[];
}

/**
 * The points as columns, or undefined when one is not a plain point: an object with exactly
 * device, metric (strings), ts (number), value (number, string, boolean or null) and optional
 * unit, quality (strings), tags, attrs (objects), nothing else and no custom prototype.
 */
export function toColumns(points: readonly unknown[]): Columns | undefined {
  const n = points.length;
  const s: string[] = [];
  const index = new Map<string, number>();
  const id = (x: string): number => {
    let j = index.get(x);
    if (j === undefined) {
      j = s.length;
      s.push(x);
      index.set(x, j);
    }
    return j;
  };
  const d = new Array<number>(n), m = new Array<number>(n), t = new Array<number>(n), v = new Array<unknown>(n);
  const u = new Array<number>(n), q = new Array<number>(n), g = new Array<unknown>(n), a = new Array<unknown>(n);
  let hasU = false, hasQ = false, hasG = false, hasA = false;
  for (let i = 0; i < n; i++) {
    const p = points[i];
    if (typeof p !== 'object' || p === null) return undefined;
    const proto = Object.getPrototypeOf(p);
    if (proto !== Object.prototype && proto !== null) return undefined;
    const { device, metric, ts, value, unit, quality, tags, attrs } = p as Record<string, unknown>;
    if (typeof device !== 'string' || typeof metric !== 'string' || typeof ts !== 'number') return undefined;
    if (value !== null && typeof value !== 'number' && typeof value !== 'string' && typeof value !== 'boolean') return undefined;
    let keys = 4;
    if (unit === undefined) u[i] = -1;
    else if (typeof unit === 'string') (u[i] = id(unit)), (hasU = true), keys++;
    else return undefined;
    if (quality === undefined) q[i] = -1;
    else if (typeof quality === 'string') (q[i] = id(quality)), (hasQ = true), keys++;
    else return undefined;
    if (tags === undefined) g[i] = null;
    else if (typeof tags === 'object' && tags !== null) (g[i] = tags), (hasG = true), keys++;
    else return undefined;
    if (attrs === undefined) a[i] = null;
    else if (typeof attrs === 'object' && attrs !== null) (a[i] = attrs), (hasA = true), keys++;
    else return undefined;
    // Any other key (or a known one set to undefined) would be lost: send objects instead.
    if (Object.keys(p).length !== keys) return undefined;
    d[i] = id(device);
    m[i] = id(metric);
    t[i] = ts;
    v[i] = value;
  }
  const c: Columns = { s, d, m, t: offsets(t) ?? t, v };
  if (c.t !== t) c.b = t[0] as number;
  if (hasU) c.u = u;
  if (hasQ) c.q = q;
  if (hasG) c.g = g;
  if (hasA) c.a = a;
  return c;
}

/** The request for one call: columns when the data are plain points, JSON objects otherwise. */
export function encodeRequest(data: Point | Point[], device: unknown, metrics: unknown): string {
  const c = Array.isArray(data) && data.length >= MIN_COLUMN_POINTS ? toColumns(data) : undefined;
  return JSON.stringify(c === undefined ? { data, device, metrics } : { c, device, metrics });
}

/** ts − ts[0] for each ts when all are safe integers (so ts[0] + offset gives ts back exactly). */
function offsets(t: readonly number[]): number[] | undefined {
  if (t.length === 0 || !Number.isSafeInteger(t[0])) return undefined;
  const base = t[0] as number;
  const out = new Array<number>(t.length);
  for (let i = 0; i < t.length; i++) {
    const x = (t[i] as number) - base;
    if (!Number.isSafeInteger(x) || !Number.isSafeInteger(t[i])) return undefined;
    out[i] = x;
  }
  return out;
}
