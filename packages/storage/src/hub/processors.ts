import type { Kysely, Migration } from 'kysely';
import { sql } from 'kysely';
import { OutpostError } from '@outpost/contract';
import { writeAudit, type Actor } from './audit.js';
import type { HubDialect } from './open.js';
import type { HubTables } from './schema.js';

/**
 * The hub's processor registry state. The versions themselves are artifacts of kind `processor`
 * (ArtifactRepo); this keeps what changes: which version is active, the rollback stack, whether
 * the processor is enabled, and the usage snapshots gateways report.
 */
export interface ProcessorState {
  orgId: string; name: string; enabled: boolean; active: string | null;
  /** Previously active versions, most recent last: rollback re-points to the last one. */
  history: string[];
  updatedAt: number;
}

/** One gateway's counters for one processor version since `since` (its registry's start). */
export interface ProcessorUsageReport { name: string; version: string; since: number; invocations: number; errors: number; avgMs: number; p95Ms: number }
export interface ProcessorUsageTotal { invocations: number; errors: number; avgMs: number; p95Ms: number; devices: number }

export interface ProcessorTables {
  processors: { org_id: string; name: string; disabled_at: number | null; active_version: string | null; history: string; updated_at: number };
  processor_usage: {
    org_id: string; device_id: string; name: string; version: string; since: number;
    invocations: number; errors: number; total_ms: number; p95_ms: number; at: number;
  };
}

type Db = Kysely<HubTables & ProcessorTables>;
type Row = ProcessorTables['processors'];

/** Migration 0010: processor state per organisation and usage snapshots per gateway. */
export function processorsMigration(_dialect: HubDialect): Migration {
  return {
    async up(db: Kysely<any>) {
      await db.schema.createTable('processors').addColumn('org_id', 'text', (c) => c.notNull()).addColumn('name', 'text', (c) => c.notNull())
        .addColumn('disabled_at', 'bigint').addColumn('active_version', 'text').addColumn('history', 'text', (c) => c.notNull())
        .addColumn('updated_at', 'bigint', (c) => c.notNull()).addPrimaryKeyConstraint('processors_pk', ['org_id', 'name']).execute();
      await db.schema.createTable('processor_usage').addColumn('org_id', 'text', (c) => c.notNull()).addColumn('device_id', 'text', (c) => c.notNull())
        .addColumn('name', 'text', (c) => c.notNull()).addColumn('version', 'text', (c) => c.notNull()).addColumn('since', 'bigint', (c) => c.notNull())
        .addColumn('invocations', 'bigint', (c) => c.notNull()).addColumn('errors', 'bigint', (c) => c.notNull())
        .addColumn('total_ms', sql`double precision`, (c) => c.notNull()).addColumn('p95_ms', sql`double precision`, (c) => c.notNull())
        .addColumn('at', 'bigint', (c) => c.notNull())
        .addPrimaryKeyConstraint('processor_usage_pk', ['org_id', 'name', 'version', 'device_id', 'since']).execute();
    },
  };
}

const toState = (r: Row): ProcessorState => ({
  orgId: r.org_id, name: r.name, enabled: r.disabled_at === null, active: r.active_version,
  history: JSON.parse(r.history) as string[], updatedAt: Number(r.updated_at),
});

export class ProcessorRepo {
  private readonly db: Db;
  constructor(db: Kysely<HubTables>) { this.db = db as unknown as Db; }

  async get(orgId: string, name: string): Promise<ProcessorState | undefined> {
    const r = await this.db.selectFrom('processors').selectAll().where('org_id', '=', orgId).where('name', '=', name).executeTakeFirst();
    return r ? toState(r) : undefined;
  }

  async list(orgId: string): Promise<ProcessorState[]> {
    return (await this.db.selectFrom('processors').selectAll().where('org_id', '=', orgId).orderBy('name').execute()).map(toState);
  }

  /** Called after a version was stored: the first version of a name creates the entry, active. */
  async ensure(actor: Actor, name: string, version: string, at: number): Promise<ProcessorState> {
    await this.db.insertInto('processors').values({ org_id: actor.orgId, name, disabled_at: null, active_version: version, history: '[]', updated_at: at })
      .onConflict((oc) => oc.columns(['org_id', 'name']).doNothing()).execute();
    return (await this.get(actor.orgId, name))!;
  }

  /** Make `version` active; the one it replaces goes on the rollback stack. The caller checks the version exists. */
  async activate(actor: Actor, name: string, version: string, at: number): Promise<ProcessorState> {
    return this.change(actor, name, 'activate', at, (s) => {
      if (s.active === version) return s;
      return { ...s, active: version, history: s.active === null ? s.history : [...s.history, s.active] };
    });
  }

  /** Re-point to the version active before the current one (ERR_PROCESSOR_ROLLBACK when there is none). */
  async rollback(actor: Actor, name: string, at: number): Promise<ProcessorState> {
    return this.change(actor, name, 'rollback', at, (s) => {
      const target = s.history.at(-1);
      if (target === undefined) throw new OutpostError('ERR_PROCESSOR_ROLLBACK', `processor ${name} has no earlier active version to roll back to (active: ${s.active ?? 'none'})`);
      return { ...s, active: target, history: s.history.slice(0, -1) };
    });
  }

  async setEnabled(actor: Actor, name: string, enabled: boolean, at: number): Promise<ProcessorState> {
    return this.change(actor, name, enabled ? 'enable' : 'disable', at, (s) => ({ ...s, enabled }));
  }

  /** Store a gateway's latest counters (one row per device, processor, version and `since`). */
  async report(orgId: string, deviceId: string, reports: readonly ProcessorUsageReport[], at: number): Promise<void> {
    if (reports.length === 0) return;
    await this.db.transaction().execute(async (trx) => {
      for (const r of reports) {
        const row = {
          invocations: r.invocations, errors: r.errors, total_ms: r.avgMs * r.invocations, p95_ms: r.p95Ms, at,
        };
        await trx.insertInto('processor_usage').values({ org_id: orgId, device_id: deviceId, name: r.name, version: r.version, since: r.since, ...row })
          .onConflict((oc) => oc.columns(['org_id', 'name', 'version', 'device_id', 'since']).doUpdateSet(row)).execute();
      }
    });
  }

  /**
   * Usage per version over every device and series: sums, an invocation-weighted average, and the
   * largest p95 of any device (percentiles cannot be merged exactly from snapshots: an upper bound).
   */
  async usage(orgId: string, name: string): Promise<Record<string, ProcessorUsageTotal>> {
    const rows = await this.db.selectFrom('processor_usage').select(['version', 'device_id', 'invocations', 'errors', 'total_ms', 'p95_ms'])
      .where('org_id', '=', orgId).where('name', '=', name).execute();
    const acc = new Map<string, { inv: number; err: number; total: number; p95: number; devices: Set<string> }>();
    for (const r of rows) {
      const a = acc.get(r.version) ?? { inv: 0, err: 0, total: 0, p95: 0, devices: new Set<string>() };
      a.inv += Number(r.invocations);
      a.err += Number(r.errors);
      a.total += Number(r.total_ms);
      a.p95 = Math.max(a.p95, Number(r.p95_ms));
      a.devices.add(r.device_id);
      acc.set(r.version, a);
    }
    const out: Record<string, ProcessorUsageTotal> = {};
    for (const [v, a] of acc) out[v] = { invocations: a.inv, errors: a.err, avgMs: a.inv === 0 ? 0 : a.total / a.inv, p95Ms: a.p95, devices: a.devices.size };
    return out;
  }

  private async change(actor: Actor, name: string, action: string, at: number, fn: (s: ProcessorState) => ProcessorState): Promise<ProcessorState> {
    return this.db.transaction().execute(async (trx) => {
      const r = await trx.selectFrom('processors').selectAll().where('org_id', '=', actor.orgId).where('name', '=', name).executeTakeFirst();
      if (!r) throw new OutpostError('ERR_PROCESSOR_NOT_FOUND', `processor ${JSON.stringify(name)} has no uploaded version in this organisation`);
      const before = toState(r);
      const after = fn(before);
      await trx.updateTable('processors').set({ disabled_at: after.enabled ? null : (r.disabled_at ?? at), active_version: after.active, history: JSON.stringify(after.history), updated_at: at })
        .where('org_id', '=', actor.orgId).where('name', '=', name).execute();
      await writeAudit(trx as unknown as Kysely<HubTables>, actor, action, 'processor', name, { active: before.active, enabled: before.enabled }, { active: after.active, enabled: after.enabled }, at);
      return { ...after, updatedAt: at };
    });
  }
}
