/**
 * Continuous rollups for the gateway's store: every point is folded into 1-minute and 15-minute
 * buckets by default (1 h and 1 day on request). A bucket is written when its key's watermark
 * passes its end; a late point within `lateness` re-writes it (upsert on device, metric,
 * windowMs, start). The engine does no I/O: rows go to the `RollupStore` port the host provides.
 */
import type { Point } from '@outpost/contract';
import { OutpostError } from '@outpost/contract';
import { DEFAULT_LIMITS, type Clock } from './types.js';
import { parseDuration } from './duration.js';
import { AddOutcome, KeyedWindows } from './windows/keyed-windows.js';
import type { Rollup } from './windows/rollup-row.js';

/** The storage port: the gateway's SQLite store implements it (insert … on conflict do update). */
export interface RollupStore {
  upsertRollups(rows: readonly Rollup[]): void | Promise<void>;
}

export interface RollupOptions {
  store: RollupStore;
  clock: Clock;
  /** Bucket sizes; default ['1m', '15m']. Any duration works ('1h', '1d', '5m', 300000). */
  intervals?: readonly (string | number)[];
  /** How long after a bucket's end a late point still updates it; default 5 min. */
  lateness?: string | number;
  /** Cap on device+metric keys per interval; default 100 000. */
  maxKeys?: number;
  maxFutureSkewMs?: number;
}

export interface RollupAddResult { accepted: number; late: number; keyLimit: number; future: number }

export class RollupAggregator {
  private readonly windows: KeyedWindows[];
  readonly intervalsMs: number[];

  constructor(private readonly o: RollupOptions) {
    const intervals = o.intervals ?? ['1m', '15m'];
    this.intervalsMs = intervals.map((d) => {
      const ms = parseDuration(d);
      if (!ms || ms < 1000) throw new OutpostError('ERR_CONFIG_INVALID', `rollup interval ${JSON.stringify(d)} is not a duration of at least 1s (e.g. '1m', '15m', '1h', '1d')`);
      return ms;
    });
    const latenessMs = parseDuration(o.lateness ?? '5m');
    if (latenessMs === undefined) throw new OutpostError('ERR_CONFIG_INVALID', `rollup lateness ${JSON.stringify(o.lateness)} is not a duration`);
    this.windows = this.intervalsMs.map((sizeMs) => new KeyedWindows({
      sizeMs, hopMs: sizeMs, latenessMs, maxKeys: o.maxKeys ?? DEFAULT_LIMITS.maxKeysPerNode,
      maxFutureSkewMs: o.maxFutureSkewMs ?? DEFAULT_LIMITS.maxFutureSkewMs, percentiles: [],
    }));
  }

  /** Fold points in; rows of buckets that closed or were updated are upserted before this resolves. */
  async add(points: readonly Point[]): Promise<RollupAddResult> {
    const now = this.o.clock.now();
    const r: RollupAddResult = { accepted: 0, late: 0, keyLimit: 0, future: 0 };
    for (const p of points) {
      // Each interval decides alone; the point counts as accepted if the finest interval took it.
      let first: AddOutcome | undefined;
      for (const w of this.windows) {
        const out = w.add(p, now);
        first ??= out;
      }
      if (first === AddOutcome.Ok) r.accepted++;
      else if (first === AddOutcome.Late) r.late++;
      else if (first === AddOutcome.KeyLimit) r.keyLimit++;
      else r.future++;
    }
    await this.write(this.windows.flatMap((w) => w.drain()));
    return r;
  }

  /** Close buckets of keys that went quiet; call periodically with the host clock. */
  async tick(now: number = this.o.clock.now()): Promise<number> {
    for (const w of this.windows) w.tick(now);
    const rows = this.windows.flatMap((w) => w.drain());
    await this.write(rows);
    return rows.length;
  }

  /** Write every open bucket (shutdown). Partial buckets are written too; later points re-upsert them. */
  async flush(): Promise<number> {
    const rows = this.windows.flatMap((w) => w.flushAll());
    await this.write(rows);
    return rows.length;
  }

  stats(): Record<string, { keys: number; late: number; keyLimit: number; future: number; emitted: number; revisions: number }> {
    const out: ReturnType<RollupAggregator['stats']> = {};
    this.windows.forEach((w, i) => { out[String(this.intervalsMs[i])] = { keys: w.keys, ...w.counters }; });
    return out;
  }

  private async write(rows: Rollup[]): Promise<void> {
    if (rows.length > 0) await this.o.store.upsertRollups(rows);
  }
}

export function createRollupAggregator(o: RollupOptions): RollupAggregator {
  return new RollupAggregator(o);
}
