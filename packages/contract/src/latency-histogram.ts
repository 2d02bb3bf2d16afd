/**
 * Latency histogram with log-spaced buckets (each 20 % wider than the last, from 1 µs): a few
 * dozen integers cover 1 µs to minutes with ≤ 10 % error on a percentile, so gateways can ship
 * it in a heartbeat and the hub can merge many of them.
 */
const BASE_MS = 0.001;
const GROWTH = 1.2;
const LOG_G = Math.log(GROWTH);

/** Bucket index → count, sparse. */
export type LatencyBuckets = Record<string, number>;

export const bucketOf = (ms: number): number => (ms <= BASE_MS ? 0 : Math.floor(Math.log(ms / BASE_MS) / LOG_G) + 1);
/** Representative latency of a bucket (geometric middle of its bounds). */
const bucketMs = (i: number): number => (i === 0 ? BASE_MS : BASE_MS * GROWTH ** (i - 0.5));

export class LatencyHistogram {
  readonly buckets: LatencyBuckets;
  count = 0;

  constructor(buckets: LatencyBuckets = {}) {
    this.buckets = { ...buckets };
    for (const v of Object.values(buckets)) this.count += v;
  }

  record(ms: number, times = 1): void {
    const k = String(bucketOf(ms));
    this.buckets[k] = (this.buckets[k] ?? 0) + times;
    this.count += times;
  }

  merge(other: LatencyBuckets): void {
    for (const [k, v] of Object.entries(other)) { this.buckets[k] = (this.buckets[k] ?? 0) + v; this.count += v; }
  }

  /** The q-quantile (0..1) in ms; null when empty. */
  quantile(q: number): number | null {
    if (this.count === 0) return null;
    const rank = Math.max(1, Math.ceil(q * this.count));
    let seen = 0;
    for (const k of Object.keys(this.buckets).map(Number).sort((a, b) => a - b)) {
      seen += this.buckets[String(k)]!;
      if (seen >= rank) return bucketMs(k);
    }
    return null;
  }

  percentiles(): { p50: number | null; p95: number | null; p99: number | null } {
    return { p50: this.quantile(0.5), p95: this.quantile(0.95), p99: this.quantile(0.99) };
  }
}
