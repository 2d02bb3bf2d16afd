import { sql, type Kysely, type Migration } from 'kysely';
import { OutpostError } from '@outpost/contract';
import { writeAudit, type Actor } from './audit.js';
import type { HubDialect } from './open.js';
import type { HubTables } from './schema.js';

export type HubAlertState = 'raised' | 'acknowledged' | 'cleared';
export type HubAlertSource = 'edge' | 'cloud';

/** An alert as the engine reports it (packages/alerts AlertRecord without its local id). */
export interface AlertSnapshot {
  rule: string; key: string; device: string; severity: string; state: HubAlertState; message: string; value: number | null;
  points: unknown[]; raisedAt: number; ackedAt: number | null; ackedBy: string | null; clearedAt: number | null; clearMessage: string | null;
}

export interface HubAlert extends AlertSnapshot {
  id: string; source: HubAlertSource;
  /** The gateway (hub device id) that raised an edge alert; null for cloud alerts. */
  gateway: string | null;
  updatedAt: number;
}

export interface HubAlertQuery {
  state?: HubAlertState | 'open'; source?: HubAlertSource; gateway?: string; device?: string; rule?: string; severity?: string;
  /** Raised at or after (epoch ms). */ from?: number;
  /** Raised before (epoch ms). */ to?: number;
  limit?: number;
}

export interface AlertRuleSet { version: number; rules: unknown[]; createdBy: string; createdAt: number }

export interface HubDeliveryEntry { alertId: string; rule: string; action: string; target: string; attempt: number; outcome: string; status: number | null; detail: string | null; at: number }
export interface HubDeliveryQuery { alertId?: string; rule?: string; outcome?: string; limit?: number }

/** The alert tables, declared beside their repository. */
export interface AlertTables {
  alerts: {
    id: string; org_id: string; source: string; gateway: string | null; rule: string; alert_key: string; device: string; severity: string; state: string;
    message: string; value: number | null; points: string; raised_at: number; acked_at: number | null; acked_by: string | null;
    cleared_at: number | null; clear_message: string | null; updated_at: number;
  };
  alert_rule_sets: { org_id: string; version: number; body: string; created_by: string; created_at: number };
  alert_deliveries: {
    seq: number; org_id: string; alert_id: string; rule: string; action: string; target: string; attempt: number;
    outcome: string; status: number | null; detail: string | null; at: number;
  };
}

type Db = Kysely<HubTables & AlertTables>;

/** Migration 0009: alert history (edge and cloud), cloud rule sets per organisation, webhook delivery log. */
export function alertsMigration(dialect: HubDialect): Migration {
  return {
    async up(db: Kysely<any>) {
      await db.schema.createTable('alerts').addColumn('id', 'text', (c) => c.primaryKey()).addColumn('org_id', 'text', (c) => c.notNull())
        .addColumn('source', 'text', (c) => c.notNull()).addColumn('gateway', 'text').addColumn('rule', 'text', (c) => c.notNull())
        .addColumn('alert_key', 'text', (c) => c.notNull()).addColumn('device', 'text', (c) => c.notNull()).addColumn('severity', 'text', (c) => c.notNull())
        .addColumn('state', 'text', (c) => c.notNull()).addColumn('message', 'text', (c) => c.notNull()).addColumn('value', sql`double precision`)
        .addColumn('points', 'text', (c) => c.notNull()).addColumn('raised_at', 'bigint', (c) => c.notNull()).addColumn('acked_at', 'bigint')
        .addColumn('acked_by', 'text').addColumn('cleared_at', 'bigint').addColumn('clear_message', 'text').addColumn('updated_at', 'bigint', (c) => c.notNull()).execute();
      await db.schema.createIndex('alerts_org_raised').on('alerts').columns(['org_id', 'raised_at']).execute();
      await db.schema.createIndex('alerts_org_state').on('alerts').columns(['org_id', 'state']).execute();
      await db.schema.createTable('alert_rule_sets').addColumn('org_id', 'text', (c) => c.notNull()).addColumn('version', 'integer', (c) => c.notNull())
        .addColumn('body', 'text', (c) => c.notNull()).addColumn('created_by', 'text', (c) => c.notNull()).addColumn('created_at', 'bigint', (c) => c.notNull())
        .addPrimaryKeyConstraint('alert_rule_sets_pk', ['org_id', 'version']).execute();
      let d = db.schema.createTable('alert_deliveries');
      d = dialect === 'postgres' ? d.addColumn('seq', 'bigserial', (c) => c.primaryKey()) : d.addColumn('seq', 'integer', (c) => c.primaryKey().autoIncrement());
      await d.addColumn('org_id', 'text', (c) => c.notNull()).addColumn('alert_id', 'text', (c) => c.notNull()).addColumn('rule', 'text', (c) => c.notNull())
        .addColumn('action', 'text', (c) => c.notNull()).addColumn('target', 'text', (c) => c.notNull()).addColumn('attempt', 'integer', (c) => c.notNull())
        .addColumn('outcome', 'text', (c) => c.notNull()).addColumn('status', 'integer').addColumn('detail', 'text').addColumn('at', 'bigint', (c) => c.notNull()).execute();
      await db.schema.createIndex('alert_deliveries_org').on('alert_deliveries').columns(['org_id', 'seq']).execute();
    },
  };
}

const RANK: Record<HubAlertState, number> = { raised: 0, acknowledged: 1, cleared: 2 };

const toAlert = (r: AlertTables['alerts']): HubAlert => ({
  id: r.id, source: r.source as HubAlertSource, gateway: r.gateway, rule: r.rule, key: r.alert_key, device: r.device, severity: r.severity,
  state: r.state as HubAlertState, message: r.message, value: r.value, points: JSON.parse(r.points) as unknown[], raisedAt: Number(r.raised_at),
  ackedAt: r.acked_at === null ? null : Number(r.acked_at), ackedBy: r.acked_by, clearedAt: r.cleared_at === null ? null : Number(r.cleared_at),
  clearMessage: r.clear_message, updatedAt: Number(r.updated_at),
});

/** The hub's id for an edge alert: the gateway's own id for it is unique within that gateway. */
export const edgeAlertId = (gateway: string, localId: number) => `edge-${gateway}-${localId}`;

/**
 * Alert history per organisation: edge alerts arrive as lifecycle snapshots through the uplink
 * (written in the uplink batch's transaction), cloud alerts from the hub's own rule evaluation.
 * A snapshot never moves an alert backwards (raised → acknowledged → cleared), so a late or
 * repeated change cannot reopen a cleared alert.
 */
export class AlertRepo {
  private readonly db: Db;
  constructor(db: Kysely<HubTables>) { this.db = db as unknown as Db; }

  /** Insert or advance one alert; `db` may be a transaction. Returns false when the snapshot was older than what is stored. */
  async upsert(db: Kysely<HubTables>, orgId: string, id: string, source: HubAlertSource, gateway: string | null, s: AlertSnapshot, at: number): Promise<boolean> {
    const d = db as unknown as Db;
    const prior = await d.selectFrom('alerts').select(['state', 'org_id']).where('id', '=', id).executeTakeFirst();
    const row = {
      rule: s.rule, alert_key: s.key, device: s.device, severity: s.severity, state: s.state, message: s.message, value: s.value,
      points: JSON.stringify(s.points), raised_at: s.raisedAt, acked_at: s.ackedAt, acked_by: s.ackedBy, cleared_at: s.clearedAt, clear_message: s.clearMessage, updated_at: at,
    };
    if (!prior) {
      await d.insertInto('alerts').values({ id, org_id: orgId, source, gateway, ...row }).execute();
      return true;
    }
    if (prior.org_id !== orgId || RANK[prior.state as HubAlertState] > RANK[s.state]) return false;
    await d.updateTable('alerts').set(row).where('id', '=', id).execute();
    return true;
  }

  /** Edge lifecycle changes of one gateway, in order (inside the uplink commit's transaction). */
  async applyEdge(db: Kysely<HubTables>, orgId: string, gateway: string, snapshots: ReadonlyArray<AlertSnapshot & { id: number }>, at: number): Promise<void> {
    for (const s of snapshots) await this.upsert(db, orgId, edgeAlertId(gateway, s.id), 'edge', gateway, s, at);
  }

  async saveCloud(orgId: string, id: string, s: AlertSnapshot, at: number): Promise<void> {
    await this.saveCloudMany(orgId, [{ id, snap: s, at }]);
  }

  /** Several cloud alert changes, in order, in one transaction. */
  async saveCloudMany(orgId: string, changes: ReadonlyArray<{ id: string; snap: AlertSnapshot; at: number }>): Promise<void> {
    await this.db.transaction().execute(async (trx) => {
      for (const c of changes) await this.upsert(trx as unknown as Kysely<HubTables>, orgId, c.id, 'cloud', null, c.snap, c.at);
    });
  }

  async get(orgId: string, id: string): Promise<HubAlert | undefined> {
    const r = await this.db.selectFrom('alerts').selectAll().where('org_id', '=', orgId).where('id', '=', id).executeTakeFirst();
    return r ? toAlert(r) : undefined;
  }

  async list(orgId: string, q: HubAlertQuery = {}): Promise<HubAlert[]> {
    let s = this.db.selectFrom('alerts').selectAll().where('org_id', '=', orgId);
    if (q.state === 'open') s = s.where('state', '!=', 'cleared');
    else if (q.state !== undefined) s = s.where('state', '=', q.state);
    if (q.source !== undefined) s = s.where('source', '=', q.source);
    if (q.gateway !== undefined) s = s.where('gateway', '=', q.gateway);
    if (q.device !== undefined) s = s.where('device', '=', q.device);
    if (q.rule !== undefined) s = s.where('rule', '=', q.rule);
    if (q.severity !== undefined) s = s.where('severity', '=', q.severity);
    if (q.from !== undefined) s = s.where('raised_at', '>=', q.from);
    if (q.to !== undefined) s = s.where('raised_at', '<', q.to);
    const rows = await s.orderBy('raised_at', 'desc').orderBy('id', 'desc').limit(Math.min(Math.max(q.limit ?? 100, 1), 10_000)).execute();
    return rows.map(toAlert);
  }

  /** Acknowledge or clear by hand (audited). Cloud alerts open in a running engine go through the engine instead. */
  async transition(actor: Actor, id: string, to: 'acknowledged' | 'cleared', text: string, at: number): Promise<HubAlert> {
    return this.db.transaction().execute(async (trx) => {
      const r = await trx.selectFrom('alerts').selectAll().where('org_id', '=', actor.orgId).where('id', '=', id).executeTakeFirst();
      if (!r) throw new OutpostError('ERR_HUB_NOT_FOUND', `alert ${id} not found`);
      const before = toAlert(r);
      if (before.state === 'cleared') throw new OutpostError('ERR_HUB_ALERT_STATE', `alert ${id} was already cleared at ${new Date(before.clearedAt ?? before.updatedAt).toISOString()}`);
      if (to === 'acknowledged' && before.state === 'acknowledged') throw new OutpostError('ERR_HUB_ALERT_STATE', `alert ${id} is already acknowledged (by ${before.ackedBy})`);
      const set = to === 'acknowledged' ? { state: to, acked_at: at, acked_by: text, updated_at: at } : { state: to, cleared_at: at, clear_message: text, updated_at: at };
      await trx.updateTable('alerts').set(set).where('id', '=', id).execute();
      const after = { ...before, ...(to === 'acknowledged' ? { state: to, ackedAt: at, ackedBy: text } : { state: to, clearedAt: at, clearMessage: text }), updatedAt: at };
      await writeAudit(trx as unknown as Kysely<HubTables>, actor, to === 'acknowledged' ? 'acknowledge' : 'clear', 'alert', id, { state: before.state }, { state: to, by: actor.id }, at);
      return after;
    });
  }

  /** Record who acknowledged or cleared through the engine (the engine's change is saved by saveCloud). */
  async audit(actor: Actor, id: string, action: 'acknowledge' | 'clear', before: string, at: number): Promise<void> {
    await writeAudit(this.db as unknown as Kysely<HubTables>, actor, action, 'alert', id, { state: before }, { state: action === 'clear' ? 'cleared' : 'acknowledged', by: actor.id }, at);
  }

  /** Store a new version of the organisation's cloud rule set (validated by the caller); audited. */
  async putRules(actor: Actor, rules: unknown[], at: number): Promise<AlertRuleSet> {
    return this.db.transaction().execute(async (trx) => {
      const max = await trx.selectFrom('alert_rule_sets').select((eb) => eb.fn.max('version').as('v')).where('org_id', '=', actor.orgId).executeTakeFirst();
      const version = Number(max?.v ?? 0) + 1;
      await trx.insertInto('alert_rule_sets').values({ org_id: actor.orgId, version, body: JSON.stringify(rules), created_by: actor.id, created_at: at }).execute();
      await writeAudit(trx as unknown as Kysely<HubTables>, actor, 'put', 'alert_rules', String(version), version > 1 ? { version: version - 1 } : null, { version, rules: rules.length }, at);
      return { version, rules, createdBy: actor.id, createdAt: at };
    });
  }

  /** The newest rule set of an organisation, or undefined. */
  async rules(orgId: string): Promise<AlertRuleSet | undefined> {
    const r = await this.db.selectFrom('alert_rule_sets').selectAll().where('org_id', '=', orgId).orderBy('version', 'desc').limit(1).executeTakeFirst();
    return r ? { version: Number(r.version), rules: JSON.parse(r.body) as unknown[], createdBy: r.created_by, createdAt: Number(r.created_at) } : undefined;
  }

  async recordDeliveries(orgId: string, entries: readonly HubDeliveryEntry[]): Promise<void> {
    for (let i = 0; i < entries.length; i += 500) {
      await this.db.insertInto('alert_deliveries').values(entries.slice(i, i + 500).map((e) => ({
        org_id: orgId, alert_id: e.alertId, rule: e.rule, action: e.action, target: e.target, attempt: e.attempt, outcome: e.outcome, status: e.status, detail: e.detail, at: e.at,
      })) as never).execute();
    }
  }

  async deliveries(orgId: string, q: HubDeliveryQuery = {}): Promise<Array<HubDeliveryEntry & { seq: number }>> {
    let s = this.db.selectFrom('alert_deliveries').selectAll().where('org_id', '=', orgId);
    if (q.alertId !== undefined) s = s.where('alert_id', '=', q.alertId);
    if (q.rule !== undefined) s = s.where('rule', '=', q.rule);
    if (q.outcome !== undefined) s = s.where('outcome', '=', q.outcome);
    const rows = await s.orderBy('seq', 'desc').limit(Math.min(Math.max(q.limit ?? 100, 1), 10_000)).execute();
    return rows.map((r) => ({ seq: Number(r.seq), alertId: r.alert_id, rule: r.rule, action: r.action, target: r.target, attempt: Number(r.attempt), outcome: r.outcome, status: r.status === null ? null : Number(r.status), detail: r.detail, at: Number(r.at) }));
  }
}
