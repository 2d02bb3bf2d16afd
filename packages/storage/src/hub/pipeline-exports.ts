import { sql, type Generated, type Kysely, type Migration } from 'kysely';
import type { HubDialect } from './open.js';
import type { HubTables } from './schema.js';

/**
 * The hub's pipeline outbox: what `outbox` output nodes of hub pipelines queue for an outside
 * consumer, per organisation. Read in priority order (critical first, then oldest), deleted when
 * acknowledged; bounded by a byte capacity per organisation (the least important, oldest items go
 * first; critical items are kept) and a time to live per priority class.
 */
export const EXPORT_PRIORITIES = ['critical', 'high', 'normal', 'bulk'] as const;
export type ExportPriority = (typeof EXPORT_PRIORITIES)[number];

export interface ExportInput { pipelineId: string; nodeId: string; priority: ExportPriority; body: unknown }
export interface ExportItem { seq: number; pipelineId: string; nodeId: string; priority: ExportPriority; at: number; expiresAt: number; body: unknown }
export interface ExportLimits { maxBytes: number; ttlMs: Record<ExportPriority, number> }
/** Where a reader stopped: the priority rank and sequence number of the last item it was given. */
export interface ExportCursor { rank: number; seq: number }

export interface ExportTables {
  pipeline_exports: { seq: Generated<number>; org_id: string; pipeline_id: string; node_id: string; rank: number; at: number; expires_at: number; bytes: number; body: string };
  pipeline_export_usage: { org_id: string; items: number; bytes: number };
}
type Db = Kysely<HubTables & ExportTables>;

/** Migration 0012: the queue and a running total per organisation (so the capacity check is one row read). */
export function pipelineExportsMigration(dialect: HubDialect): Migration {
  return {
    async up(db: Kysely<any>) {
      let t = db.schema.createTable('pipeline_exports');
      t = dialect === 'postgres'
        ? t.addColumn('seq', 'bigserial', (c) => c.primaryKey())
        : t.addColumn('seq', 'integer', (c) => c.primaryKey().autoIncrement());
      await t.addColumn('org_id', 'text', (c) => c.notNull()).addColumn('pipeline_id', 'text', (c) => c.notNull()).addColumn('node_id', 'text', (c) => c.notNull())
        .addColumn('rank', 'integer', (c) => c.notNull()).addColumn('at', 'bigint', (c) => c.notNull()).addColumn('expires_at', 'bigint', (c) => c.notNull())
        .addColumn('bytes', 'integer', (c) => c.notNull()).addColumn('body', 'text', (c) => c.notNull()).execute();
      await db.schema.createIndex('pipeline_exports_read').on('pipeline_exports').columns(['org_id', 'rank', 'seq']).execute();
      await db.schema.createIndex('pipeline_exports_expiry').on('pipeline_exports').columns(['expires_at']).execute();
      await db.schema.createTable('pipeline_export_usage').addColumn('org_id', 'text', (c) => c.primaryKey())
        .addColumn('items', 'bigint', (c) => c.notNull()).addColumn('bytes', 'bigint', (c) => c.notNull()).execute();
    },
  };
}

/** Rows per INSERT (9 columns: well under both dialects' parameter limits). */
const CHUNK = 400;
const rankOf = (p: ExportPriority) => EXPORT_PRIORITIES.indexOf(p);

export class PipelineExportRepo {
  private readonly db: Db;
  constructor(db: Kysely<HubTables>) { this.db = db as unknown as Db; }

  /** Queue items; returns how many older items were deleted to stay within `maxBytes`. */
  async enqueue(orgId: string, rows: readonly ExportInput[], at: number, limits: ExportLimits): Promise<{ queued: number; evicted: number }> {
    if (rows.length === 0) return { queued: 0, evicted: 0 };
    const values = rows.map((r) => {
      const body = JSON.stringify(r.body);
      return { org_id: orgId, pipeline_id: r.pipelineId, node_id: r.nodeId, rank: rankOf(r.priority), at, expires_at: at + limits.ttlMs[r.priority], bytes: Buffer.byteLength(body), body };
    });
    const bytes = values.reduce((s, v) => s + v.bytes, 0);
    return this.db.transaction().execute(async (trx) => {
      for (let i = 0; i < values.length; i += CHUNK) await trx.insertInto('pipeline_exports').values(values.slice(i, i + CHUNK)).execute();
      await trx.insertInto('pipeline_export_usage').values({ org_id: orgId, items: values.length, bytes })
        .onConflict((oc) => oc.column('org_id').doUpdateSet({ items: sql`pipeline_export_usage.items + ${values.length}`, bytes: sql`pipeline_export_usage.bytes + ${bytes}` })).execute();
      let used = await usageIn(trx, orgId);
      let evicted = 0;
      // Over capacity: delete the oldest items of the least important class first, never critical ones.
      while (used.bytes > limits.maxBytes) {
        const victims = await trx.selectFrom('pipeline_exports').select(['seq', 'bytes']).where('org_id', '=', orgId).where('rank', '>', 0)
          .orderBy('rank', 'desc').orderBy('seq').limit(500).execute();
        if (victims.length === 0) break;
        const take: number[] = [];
        let freed = 0;
        for (const v of victims) {
          if (used.bytes - freed <= limits.maxBytes) break;
          take.push(Number(v.seq));
          freed += Number(v.bytes);
        }
        await trx.deleteFrom('pipeline_exports').where('seq', 'in', take).execute();
        await adjust(trx, orgId, -take.length, -freed);
        used = { items: used.items - take.length, bytes: used.bytes - freed };
        evicted += take.length;
      }
      return { queued: values.length, evicted };
    });
  }

  /** Up to `limit` unexpired items after `after` (or from the start), critical first, oldest first within a class. */
  async read(orgId: string, q: { after?: ExportCursor; pipelineId?: string; limit: number; now: number }): Promise<ExportItem[]> {
    let s = this.db.selectFrom('pipeline_exports').selectAll().where('org_id', '=', orgId).where('expires_at', '>', q.now);
    if (q.pipelineId !== undefined) s = s.where('pipeline_id', '=', q.pipelineId);
    const after = q.after;
    if (after) s = s.where((eb) => eb.or([eb('rank', '>', after.rank), eb.and([eb('rank', '=', after.rank), eb('seq', '>', after.seq)])]));
    const rows = await s.orderBy('rank').orderBy('seq').limit(q.limit).execute();
    return rows.map((r) => ({
      seq: Number(r.seq), pipelineId: r.pipeline_id, nodeId: r.node_id, priority: EXPORT_PRIORITIES[r.rank] ?? 'bulk',
      at: Number(r.at), expiresAt: Number(r.expires_at), body: JSON.parse(r.body) as unknown,
    }));
  }

  /** Delete acknowledged items of this organisation (others' sequence numbers are ignored); returns how many. */
  async ack(orgId: string, seqs: readonly number[]): Promise<number> {
    if (seqs.length === 0) return 0;
    return this.db.transaction().execute(async (trx) => {
      let n = 0;
      for (let i = 0; i < seqs.length; i += 1000) {
        const part = seqs.slice(i, i + 1000);
        const gone = await trx.deleteFrom('pipeline_exports').where('org_id', '=', orgId).where('seq', 'in', part).returning('bytes').execute();
        await adjust(trx, orgId, -gone.length, -gone.reduce((s, g) => s + Number(g.bytes), 0));
        n += gone.length;
      }
      return n;
    });
  }

  /** Delete up to `limit` items past their time to live (a bounded step of a retention loop); returns how many. */
  async expire(now: number, limit: number): Promise<number> {
    return this.db.transaction().execute(async (trx) => {
      const old = await trx.selectFrom('pipeline_exports').select(['seq', 'org_id', 'bytes']).where('expires_at', '<=', now).orderBy('expires_at').limit(limit).execute();
      if (old.length === 0) return 0;
      await trx.deleteFrom('pipeline_exports').where('seq', 'in', old.map((r) => Number(r.seq))).execute();
      const perOrg = new Map<string, { items: number; bytes: number }>();
      for (const r of old) {
        const o = perOrg.get(r.org_id) ?? { items: 0, bytes: 0 };
        o.items += 1;
        o.bytes += Number(r.bytes);
        perOrg.set(r.org_id, o);
      }
      for (const [orgId, o] of perOrg) await adjust(trx, orgId, -o.items, -o.bytes);
      return old.length;
    });
  }

  /** Items and bytes queued for an organisation (expired but not yet deleted ones included). */
  usage(orgId: string): Promise<{ items: number; bytes: number }> { return usageIn(this.db, orgId); }
}

async function usageIn(db: Db, orgId: string): Promise<{ items: number; bytes: number }> {
  const r = await db.selectFrom('pipeline_export_usage').select(['items', 'bytes']).where('org_id', '=', orgId).executeTakeFirst();
  return { items: Number(r?.items ?? 0), bytes: Number(r?.bytes ?? 0) };
}

async function adjust(db: Db, orgId: string, items: number, bytes: number): Promise<void> {
  if (items === 0 && bytes === 0) return;
  await db.updateTable('pipeline_export_usage').set({ items: sql`items + ${items}`, bytes: sql`bytes + ${bytes}` }).where('org_id', '=', orgId).execute();
}
