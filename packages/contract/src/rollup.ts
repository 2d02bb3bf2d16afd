import type { PointValue } from './point.js';

/**
 * One window result for one device+metric. The same row shape is produced by the aggregate
 * operator (`rollup` port) and by the rollup aggregator, and is what a store upserts: the key is
 * (device, metric, windowMs, start); a late point re-emits the row with a higher `revision`.
 */
export interface Rollup {
  device: string;
  metric: string;
  unit?: string;
  windowMs: number;
  /** Window start (inclusive) and end (exclusive), epoch ms. */
  start: number;
  end: number;
  /** Points with a numeric (or boolean as 0/1) value. */
  count: number;
  /** Points with a null value (quality-'bad' gaps); they do not enter the statistics. */
  gaps: number;
  sum: number | null;
  min: number | null;
  max: number | null;
  avg: number | null;
  /** Population standard deviation. */
  stddev: number | null;
  first: PointValue | null;
  last: PointValue | null;
  firstTs: number | null;
  lastTs: number | null;
  /** Requested percentiles, keyed `p50`, `p95`, `p99.9` … */
  percentiles?: Record<string, number | null>;
  /** 1 for the first emission, +1 for each update by a late point. */
  revision: number;
}
