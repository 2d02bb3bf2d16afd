import type Database from 'better-sqlite3';
import { OutpostError, type PointValue, type Rollup } from '@outpost/contract';
import type { GatewayStore } from './gateway-store.js';

/** One rollup bucket (the contract's `Rollup`, as the engine's rollup aggregator emits it). */
export type RollupRow = Rollup;

export interface RollupQuery {
  device?: string;
  metric?: string;
  windowMs: number;
  /** Bucket start, inclusive bounds, epoch ms. */
  from?: number;
  to?: number;
  limit?: number;
}

interface Row { window_ms: number; start: number; device: string; metric: string; count: number; gaps: number; sum: number | null; min: number | null; max: number | null; avg: number | null; stddev: number | null; first: PointValue | null; last: PointValue | null; first_ts: number | null; last_ts: number | null; unit: string | null; revision: number }

/**
 * The gateway's rollup table: implements the engine's RollupStore port (upsert by device, metric,
 * window and start; a late point's revision replaces the earlier row) and answers queries.
 */
export class GatewayRollups {
  private readonly upsert: Database.Statement;
  private readonly db: Database.Database;

  constructor(private readonly store: GatewayStore) {
    this.db = store.db;
    this.upsert = this.db.prepare(`
      INSERT INTO rollups (window_ms, start, series, count, gaps, sum, min, max, avg, stddev, first, last, first_ts, last_ts, unit, revision)
      VALUES (@windowMs, @start, @series, @count, @gaps, @sum, @min, @max, @avg, @stddev, @first, @last, @firstTs, @lastTs, @unit, @revision)
      ON CONFLICT (window_ms, start, series) DO UPDATE SET
        count = excluded.count, gaps = excluded.gaps, sum = excluded.sum, min = excluded.min, max = excluded.max,
        avg = excluded.avg, stddev = excluded.stddev, first = excluded.first, last = excluded.last,
        first_ts = excluded.first_ts, last_ts = excluded.last_ts, unit = excluded.unit, revision = excluded.revision
      WHERE excluded.revision >= rollups.revision`);
  }

  upsertRollups(rows: readonly RollupRow[]): void {
    if (this.store.isClosed) throw new OutpostError('ERR_STORE_CLOSED', 'the gateway store is closed');
    this.db.transaction(() => {
      for (const r of rows) {
        this.upsert.run({
          windowMs: r.windowMs, start: r.start, series: this.store.seriesId(r.device, r.metric), count: r.count, gaps: r.gaps,
          sum: r.sum, min: r.min, max: r.max, avg: r.avg, stddev: r.stddev, first: scalar(r.first), last: scalar(r.last),
          firstTs: r.firstTs, lastTs: r.lastTs, unit: r.unit ?? null, revision: r.revision,
        });
      }
    })();
  }

  query(q: RollupQuery): RollupRow[] {
    const limit = q.limit ?? 1000;
    if (!Number.isInteger(limit) || limit < 1 || limit > 100_000) throw new OutpostError('ERR_QUERY_INVALID', `limit: expected an integer 1–100000, got ${String(q.limit)}`);
    if (!Number.isInteger(q.windowMs) || q.windowMs <= 0) throw new OutpostError('ERR_QUERY_INVALID', `window: expected a positive duration in ms, got ${String(q.windowMs)}`);
    const rows = this.db.prepare(`
      SELECT r.*, s.device, s.metric FROM rollups r JOIN series s ON s.id = r.series
      WHERE r.window_ms = @windowMs AND r.start BETWEEN @from AND @to
        AND r.series IN (SELECT id FROM series WHERE (@device IS NULL OR device = @device) AND (@metric IS NULL OR metric = @metric))
      ORDER BY r.start, r.series LIMIT @limit`).all({
      windowMs: q.windowMs, from: q.from ?? -8.64e15, to: q.to ?? 8.64e15, device: q.device ?? null, metric: q.metric ?? null, limit,
    }) as Row[];
    return rows.map((r) => {
      const out: RollupRow = {
        device: r.device, metric: r.metric, windowMs: r.window_ms, start: r.start, end: r.start + r.window_ms, count: r.count, gaps: r.gaps,
        sum: r.sum, min: r.min, max: r.max, avg: r.avg, stddev: r.stddev, first: r.first, last: r.last, firstTs: r.first_ts, lastTs: r.last_ts, revision: r.revision,
      };
      if (r.unit !== null) out.unit = r.unit;
      return out;
    });
  }

  /** Delete buckets that started before `cutoff`, at most `maxRows` per call. */
  deleteBefore(cutoff: number, maxRows = 20_000): number {
    return this.db.prepare('DELETE FROM rollups WHERE (window_ms, start, series) IN (SELECT window_ms, start, series FROM rollups WHERE start < ? LIMIT ?)').run(cutoff, maxRows).changes;
  }
}

function scalar(v: PointValue | null): number | string | null {
  return typeof v === 'boolean' ? (v ? 1 : 0) : v;
}
