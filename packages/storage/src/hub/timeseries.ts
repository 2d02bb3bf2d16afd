import type Database from 'better-sqlite3';
import { sql, type Kysely } from 'kysely';
import type { HubTables } from './schema.js';

export interface HubPoint { deviceId: string; metric: string; ts: number; value: number | null; unit: string | null; /** Non-numeric values (value is then null). */ text?: string | null }
export type BatchStatus = 'received' | 'stored' | 'failed';
export interface IngestBatch {
  id: string; orgId: string; source: string; status: BatchStatus; points: number; stored: number;
  error: string | null; archiveKey: string | null; receivedAt: number; doneAt: number | null;
}
export interface RollupRow { bucket: number; count: number; min: number; max: number; avg: number }

const MINUTE = 60_000;
/** Rows per INSERT: 7 columns x 1000 stays under SQLite's 32766 and PostgreSQL's 65535 parameters. */
const CHUNK = 1000;
/** Rows per unnest() INSERT on PostgreSQL (6 array parameters whatever the size). */
const PG_CHUNK = 10_000;

const toBatch = (r: HubTables['ingest_batches']): IngestBatch => ({
  id: r.id, orgId: r.org_id, source: r.source, status: r.status as BatchStatus, points: r.points, stored: r.stored,
  error: r.error, archiveKey: r.archive_key, receivedAt: r.received_at, doneAt: r.done_at,
});

/** Ingest batches, raw points (deduplicated by device, metric, ts) and 1-minute rollups kept in step. */
export class TimeSeriesRepo {
  constructor(private readonly db: Kysely<HubTables>, private readonly target: PointWriterTarget) {}

  async createBatch(b: { id: string; orgId: string; source: string; points: number; archiveKey: string | null }, at: number): Promise<IngestBatch> {
    const row = { id: b.id, org_id: b.orgId, source: b.source, status: 'received', points: b.points, stored: 0, error: null, archive_key: b.archiveKey, received_at: at, done_at: null };
    await this.db.insertInto('ingest_batches').values(row).execute();
    return toBatch(row);
  }

  async finishBatch(id: string, r: { status: 'stored' | 'failed'; stored: number; error: string | null }, at: number): Promise<void> {
    await this.db.updateTable('ingest_batches').set({ status: r.status, stored: r.stored, error: r.error, done_at: at }).where('id', '=', id).execute();
  }

  /** Mark batches stored in one statement: every point of each was committed (duplicates included). */
  async storedBatches(ids: readonly string[], at: number): Promise<void> {
    if (ids.length === 0) return;
    await this.db.updateTable('ingest_batches').set((eb) => ({ status: 'stored', stored: eb.ref('points'), error: null, done_at: at })).where('id', 'in', ids).execute();
  }

  async getBatch(orgId: string, id: string): Promise<IngestBatch | undefined> {
    const r = await this.db.selectFrom('ingest_batches').selectAll().where('org_id', '=', orgId).where('id', '=', id).executeTakeFirst();
    return r && toBatch(r);
  }

  /**
   * Store points of one org in one transaction; duplicates (same device, metric, ts) are ignored
   * and do not count twice in the rollups. Returns how many were new.
   */
  async writePoints(orgId: string, points: readonly HubPoint[]): Promise<number> {
    if (points.length === 0) return 0;
    return this.db.transaction().execute((trx) => insertPoints(trx, this.target, orgId, points));
  }

  /**
   * Names of the metrics a device has points of, sorted. A loose index scan on the (device_id,
   * metric, ts) key: one index seek per metric instead of reading every point.
   */
  async metricNames(orgId: string, deviceId: string, limit = 1000): Promise<string[]> {
    const r = await sql<{ metric: string | null }>`
      WITH RECURSIVE m(metric) AS (
        SELECT MIN(metric) FROM points WHERE device_id = ${deviceId} AND org_id = ${orgId}
        UNION ALL
        SELECT (SELECT MIN(metric) FROM points WHERE device_id = ${deviceId} AND org_id = ${orgId} AND metric > m.metric) FROM m WHERE m.metric IS NOT NULL
      )
      SELECT metric FROM m WHERE metric IS NOT NULL LIMIT ${limit}`.execute(this.db);
    return r.rows.map((x) => x.metric!);
  }

  async points(orgId: string, q: { deviceId: string; metric: string; from: number; to: number; limit: number }): Promise<HubPoint[]> {
    const rows = await this.db.selectFrom('points').select(['device_id', 'metric', 'ts', 'value', 'unit', 'text_value'])
      .where('org_id', '=', orgId).where('device_id', '=', q.deviceId).where('metric', '=', q.metric)
      .where('ts', '>=', q.from).where('ts', '<', q.to).orderBy('ts').limit(q.limit).execute();
    return rows.map((r) => ({ deviceId: r.device_id, metric: r.metric, ts: Number(r.ts), value: r.value, unit: r.unit, ...(r.text_value !== null ? { text: r.text_value } : {}) }));
  }

  /**
   * Aggregates per bucket of `bucketMs`. Whole minutes read the 1-minute rollups (cheap for long
   * ranges); finer buckets aggregate raw points.
   */
  async rollups(orgId: string, q: { deviceId: string; metric: string; from: number; to: number; bucketMs: number }): Promise<RollupRow[]> {
    const step = sql.lit(Math.max(1, Math.trunc(q.bucketMs)));
    const fromRollups = q.bucketMs % MINUTE === 0;
    const rows = fromRollups
      ? await this.db.selectFrom('rollups_1m')
        .select([
          sql<number>`(bucket / ${step}) * ${step}`.as('b'), sql<number>`sum(count)`.as('count'),
          sql<number>`min(min)`.as('min'), sql<number>`max(max)`.as('max'), sql<number>`sum(sum)`.as('sum'),
        ])
        .where('org_id', '=', orgId).where('device_id', '=', q.deviceId).where('metric', '=', q.metric)
        .where('bucket', '>=', Math.floor(q.from / MINUTE) * MINUTE).where('bucket', '<', q.to)
        .groupBy(sql`(bucket / ${step}) * ${step}`).orderBy('b').execute()
      : await this.db.selectFrom('points')
        .select([
          sql<number>`(ts / ${step}) * ${step}`.as('b'), sql<number>`count(value)`.as('count'),
          sql<number>`min(value)`.as('min'), sql<number>`max(value)`.as('max'), sql<number>`sum(value)`.as('sum'),
        ])
        .where('org_id', '=', orgId).where('device_id', '=', q.deviceId).where('metric', '=', q.metric)
        .where('ts', '>=', q.from).where('ts', '<', q.to).where('value', 'is not', null)
        .groupBy(sql`(ts / ${step}) * ${step}`).orderBy('b').execute();
    return rows.map((r) => {
      const count = Number(r.count);
      return { bucket: Number(r.b), count, min: Number(r.min), max: Number(r.max), avg: count ? Number(r.sum) / count : 0 };
    });
  }
}

/** What the bulk point writer needs from the adapter (see insertFresh). */
export interface PointWriterTarget { dialect: 'sqlite' | 'postgres'; sqlite?: Database.Database | undefined }

type Fresh = { device_id: string; metric: string; ts: number; value: number | null };
const sqliteInserts = new WeakMap<Database.Database, Database.Statement>();

/**
 * The one hot path that bypasses the query builder, because it is where throughput is measured:
 * SQLite runs one cached prepared INSERT per point inside the transaction (no SQL text to build
 * for thousands of parameters), PostgreSQL sends a whole chunk as column arrays through unnest().
 * Both ignore duplicates (same device, metric, ts) and report which rows were new.
 */
async function insertFresh(trx: Kysely<HubTables>, target: PointWriterTarget, orgId: string, points: readonly HubPoint[]): Promise<Fresh[]> {
  const fresh: Fresh[] = [];
  if (target.dialect === 'sqlite' && target.sqlite) {
    let st = sqliteInserts.get(target.sqlite);
    if (!st) {
      st = target.sqlite.prepare('insert into points (org_id, device_id, metric, ts, value, unit, text_value) values (?, ?, ?, ?, ?, ?, ?) on conflict (device_id, metric, ts) do nothing');
      sqliteInserts.set(target.sqlite, st);
    }
    for (const p of points) {
      if (st.run(orgId, p.deviceId, p.metric, p.ts, p.value, p.unit, p.text ?? null).changes === 1) fresh.push({ device_id: p.deviceId, metric: p.metric, ts: p.ts, value: p.value });
    }
    return fresh;
  }
  if (target.dialect === 'postgres') {
    for (let i = 0; i < points.length; i += PG_CHUNK) {
      const c = points.slice(i, i + PG_CHUNK);
      const r = await sql<Fresh>`insert into points (org_id, device_id, metric, ts, value, unit, text_value)
        select ${orgId}, d, m, t, v, u, x from unnest(${c.map((p) => p.deviceId)}::text[], ${c.map((p) => p.metric)}::text[], ${c.map((p) => p.ts)}::bigint[],
          ${c.map((p) => p.value)}::double precision[], ${c.map((p) => p.unit)}::text[], ${c.map((p) => p.text ?? null)}::text[]) as u(d, m, t, v, u, x)
        on conflict (device_id, metric, ts) do nothing returning device_id, metric, ts, value`.execute(trx);
      fresh.push(...r.rows);
    }
    return fresh;
  }
  throw new Error('hub store: the SQLite adapter needs its connection for the point writer');
}

/**
 * Insert points inside the caller's transaction; duplicates (same device, metric, ts) are ignored
 * and do not count twice in the rollups. Returns how many were new.
 */
export async function insertPoints(trx: Kysely<HubTables>, target: PointWriterTarget, orgId: string, points: readonly HubPoint[]): Promise<number> {
  const fresh = await insertFresh(trx, target, orgId, points);
  const buckets = new Map<string, { device_id: string; metric: string; bucket: number; count: number; sum: number; min: number; max: number }>();
  for (const p of fresh) {
    if (p.value === null) continue;
    const bucket = Math.floor(Number(p.ts) / MINUTE) * MINUTE;
    const key = `${p.device_id}\u0000${p.metric}\u0000${bucket}`;
    const b = buckets.get(key);
    if (b) { b.count++; b.sum += p.value; b.min = Math.min(b.min, p.value); b.max = Math.max(b.max, p.value); }
    else buckets.set(key, { device_id: p.device_id, metric: p.metric, bucket, count: 1, sum: p.value, min: p.value, max: p.value });
  }
  const rows = [...buckets.values()].map((b) => ({ org_id: orgId, ...b }));
  for (let i = 0; i < rows.length; i += CHUNK) {
    await trx.insertInto('rollups_1m').values(rows.slice(i, i + CHUNK)).onConflict((oc) => oc.columns(['device_id', 'metric', 'bucket']).doUpdateSet({
      count: sql`rollups_1m.count + excluded.count`,
      sum: sql`rollups_1m.sum + excluded.sum`,
      min: sql`case when excluded.min < rollups_1m.min then excluded.min else rollups_1m.min end`,
      max: sql`case when excluded.max > rollups_1m.max then excluded.max else rollups_1m.max end`,
    })).execute();
  }
  return fresh.length;
}
