/**
 * Running statistics of one window. Welford's algorithm for the variance (stable over long
 * windows); raw values are kept only when a percentile is asked for, so the common case is a
 * fixed ~100 bytes per window whatever its length.
 */
import type { PointValue } from '@outpost/contract';

export class Accumulator {
  count = 0;
  gaps = 0;
  sum = 0;
  min = Infinity;
  max = -Infinity;
  mean = 0;
  m2 = 0;
  first: PointValue | null = null;
  firstTs = Infinity;
  last: PointValue | null = null;
  lastTs = -Infinity;
  values: number[] | undefined;

  constructor(keepValues: boolean) {
    if (keepValues) this.values = [];
  }

  add(ts: number, value: PointValue | null): void {
    if (value === null) { this.gaps++; return; }
    // first/last by timestamp, so out-of-order points land where they belong.
    if (ts < this.firstTs) { this.firstTs = ts; this.first = value; }
    if (ts >= this.lastTs) { this.lastTs = ts; this.last = value; }
    const x = typeof value === 'number' ? value : typeof value === 'boolean' ? (value ? 1 : 0) : NaN;
    if (x !== x) return; // strings take part in first/last only
    this.count++;
    this.sum += x;
    if (x < this.min) this.min = x;
    if (x > this.max) this.max = x;
    const d = x - this.mean;
    this.mean += d / this.count;
    this.m2 += d * (x - this.mean);
    if (this.values) this.values.push(x);
  }

  stddev(): number | null {
    return this.count === 0 ? null : Math.sqrt(this.m2 / this.count);
  }

  /** Linear interpolation between closest ranks (numpy's default), q in [0, 1]. */
  percentile(q: number): number | null {
    const v = this.values;
    if (!v || v.length === 0) return null;
    const sorted = Float64Array.from(v).sort();
    const rank = q * (sorted.length - 1);
    const lo = Math.floor(rank);
    const hi = Math.ceil(rank);
    return sorted[lo]! + (sorted[hi]! - sorted[lo]!) * (rank - lo);
  }
}
