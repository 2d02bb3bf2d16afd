import type Database from 'better-sqlite3';
import { OutpostError, type Point } from '@outpost/contract';
import { decodeQuality, decodeValue } from './point-codec.js';

export interface PointQuery {
  device?: string;
  metric?: string;
  /** Inclusive lower bound, epoch ms. */
  from?: number;
  /** Inclusive upper bound, epoch ms. */
  to?: number;
  /** Default 1000, at most 100,000. */
  limit?: number;
  order?: 'asc' | 'desc';
}

export const MAX_QUERY_LIMIT = 100_000;

interface PointRow { ts: number; device: string; metric: string; value: unknown; flags: number; unit: string | null; tags: string | null }

export function queryPoints(db: Database.Database, q: PointQuery): Point[] {
  const limit = q.limit ?? 1000;
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_QUERY_LIMIT) {
    throw new OutpostError('ERR_QUERY_INVALID', `limit: expected an integer 1–${MAX_QUERY_LIMIT}, got ${String(q.limit)}`);
  }
  const from = q.from ?? -8.64e15;
  const to = q.to ?? 8.64e15;
  if (from > to) throw new OutpostError('ERR_QUERY_INVALID', `from (${from}) is after to (${to})`);
  const order = q.order === 'desc' ? 'DESC' : 'ASC';
  // Parameters are bound, never interpolated; only the ORDER keyword comes from a fixed set.
  const rows = db.prepare(`
    SELECT p.ts, s.device, s.metric, p.value, p.flags, p.unit, p.tags
    FROM points p JOIN series s ON s.id = p.series
    WHERE p.ts BETWEEN @from AND @to
      AND p.series IN (SELECT id FROM series WHERE (@device IS NULL OR device = @device) AND (@metric IS NULL OR metric = @metric))
    ORDER BY p.ts ${order}, p.series
    LIMIT @limit`).all({ from, to, device: q.device ?? null, metric: q.metric ?? null, limit }) as PointRow[];
  return rows.map(rowToPoint);
}

function rowToPoint(r: PointRow): Point {
  const p: Point = { device: r.device, metric: r.metric, ts: r.ts, value: decodeValue(r.value, r.flags) };
  const quality = decodeQuality(r.flags);
  if (quality !== 'good') p.quality = quality;
  if (r.unit !== null) p.unit = r.unit;
  if (r.tags !== null) p.tags = JSON.parse(r.tags) as Record<string, string>;
  return p;
}

export interface DeadLetterQuery {
  reason?: string;
  /** Newest first; default 100, at most 10,000. */
  limit?: number;
  /** Only entries with a smaller id (for paging). */
  beforeId?: number;
}

export interface DeadLetter {
  id: number;
  at: number;
  source: string;
  origin: string;
  reason: string;
  message: string;
  /** The raw payload as text (possibly truncated; rawBytes is the full size). */
  raw: string | null;
  rawBytes: number;
}

export function queryDeadLetters(db: Database.Database, q: DeadLetterQuery): DeadLetter[] {
  const limit = q.limit ?? 100;
  if (!Number.isInteger(limit) || limit < 1 || limit > 10_000) {
    throw new OutpostError('ERR_QUERY_INVALID', `limit: expected an integer 1–10000, got ${String(q.limit)}`);
  }
  const rows = db.prepare(`
    SELECT id, at, source, origin, reason, message, raw, raw_bytes AS rawBytes FROM dead_letters
    WHERE (@reason IS NULL OR reason = @reason) AND (@before IS NULL OR id < @before)
    ORDER BY id DESC LIMIT @limit`).all({ reason: q.reason ?? null, before: q.beforeId ?? null, limit }) as Array<Omit<DeadLetter, 'raw'> & { raw: Buffer | null }>;
  return rows.map((r) => ({ ...r, raw: r.raw === null ? null : r.raw.toString('utf8') }));
}
