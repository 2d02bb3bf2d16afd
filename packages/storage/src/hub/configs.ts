import type { Kysely } from 'kysely';
import { OutpostError } from '@outpost/contract';
import { writeAudit, type Actor } from './audit.js';
import type { HubTables } from './schema.js';

export type ConfigTarget = 'device_type' | 'device';
export interface ConfigVersion { targetKind: ConfigTarget; targetId: string; version: number; body: Record<string, unknown>; createdBy: string; createdAt: number; note: string | null }
export interface EffectiveConfig { version: string; body: Record<string, unknown> }

type Db = Kysely<HubTables>;
const table = (k: ConfigTarget) => (k === 'device' ? 'devices' : 'device_types');

const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Device config overrides type config key by key; arrays and scalars replace. */
export function mergeConfig(base: Record<string, unknown>, over: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...base };
  for (const [k, v] of Object.entries(over)) out[k] = isObj(v) && isObj(out[k]) ? mergeConfig(out[k] as Record<string, unknown>, v) : v;
  return out;
}

/**
 * Versioned configs per device type and per device. Versions are immutable; the target's
 * `config_version` points at the active one, so rollback is re-pointing.
 */
export class ConfigRepo {
  /** Bumped by every change made through this repo, so callers may cache `effective` safely within one process. */
  static generation = 0;

  constructor(private readonly db: Db) {}

  private async target(orgId: string, kind: ConfigTarget, id: string): Promise<{ config_version: number | null }> {
    const r = await this.db.selectFrom(table(kind)).select('config_version').where('org_id', '=', orgId).where('id', '=', id).executeTakeFirst();
    if (!r) throw new OutpostError('ERR_HUB_NOT_FOUND', `${kind.replace('_', ' ')} ${id} not found`);
    return r;
  }

  /** Store a new version (the body was validated by the caller) and make it active. */
  async create(actor: Actor, kind: ConfigTarget, id: string, body: Record<string, unknown>, note: string | null, at: number): Promise<ConfigVersion> {
    // Bumped after commit, so a reader that sees the new generation also sees the new data.
    try { return await this.createTx(actor, kind, id, body, note, at); } finally { ConfigRepo.generation++; }
  }

  get generation(): number { return ConfigRepo.generation; }

  private async createTx(actor: Actor, kind: ConfigTarget, id: string, body: Record<string, unknown>, note: string | null, at: number): Promise<ConfigVersion> {
    return this.db.transaction().execute(async (trx) => {
      const repo = new ConfigRepo(trx);
      const before = await repo.target(actor.orgId, kind, id);
      const max = await trx.selectFrom('configs').select((eb) => eb.fn.max('version').as('v')).where('target_kind', '=', kind).where('target_id', '=', id).executeTakeFirst();
      const version = Number(max?.v ?? 0) + 1;
      await trx.insertInto('configs').values({ org_id: actor.orgId, target_kind: kind, target_id: id, version, body: JSON.stringify(body), created_by: actor.id, created_at: at, note }).execute();
      await trx.updateTable(table(kind)).set({ config_version: version }).where('id', '=', id).execute();
      const created: ConfigVersion = { targetKind: kind, targetId: id, version, body, createdBy: actor.id, createdAt: at, note };
      await writeAudit(trx, actor, 'create', `${kind}_config`, id, { activeVersion: before.config_version }, { activeVersion: version, note }, at);
      return created;
    });
  }

  async list(orgId: string, kind: ConfigTarget, id: string): Promise<{ active: number | null; versions: ConfigVersion[] }> {
    const t = await this.target(orgId, kind, id);
    const rows = await this.db.selectFrom('configs').selectAll().where('org_id', '=', orgId).where('target_kind', '=', kind).where('target_id', '=', id).orderBy('version', 'desc').execute();
    return { active: t.config_version, versions: rows.map((r) => ({ targetKind: kind, targetId: id, version: r.version, body: JSON.parse(r.body) as Record<string, unknown>, createdBy: r.created_by, createdAt: r.created_at, note: r.note })) };
  }

  /** Point the target at an earlier (or later) existing version: rollback and roll forward. */
  async activate(actor: Actor, kind: ConfigTarget, id: string, version: number, at: number): Promise<void> {
    try { await this.activateTx(actor, kind, id, version, at); } finally { ConfigRepo.generation++; }
  }

  private async activateTx(actor: Actor, kind: ConfigTarget, id: string, version: number, at: number): Promise<void> {
    await this.db.transaction().execute(async (trx) => {
      const before = await new ConfigRepo(trx).target(actor.orgId, kind, id);
      const exists = await trx.selectFrom('configs').select('version').where('org_id', '=', actor.orgId).where('target_kind', '=', kind).where('target_id', '=', id).where('version', '=', version).executeTakeFirst();
      if (!exists) throw new OutpostError('ERR_HUB_NOT_FOUND', `config version ${version} of ${kind.replace('_', ' ')} ${id} not found`);
      await trx.updateTable(table(kind)).set({ config_version: version }).where('id', '=', id).execute();
      await writeAudit(trx, actor, 'activate', `${kind}_config`, id, { activeVersion: before.config_version }, { activeVersion: version }, at);
    });
  }

  private async body(kind: ConfigTarget, id: string, version: number | null): Promise<Record<string, unknown> | undefined> {
    if (version === null) return undefined;
    const r = await this.db.selectFrom('configs').select('body').where('target_kind', '=', kind).where('target_id', '=', id).where('version', '=', version).executeTakeFirst();
    return r ? (JSON.parse(r.body) as Record<string, unknown>) : undefined;
  }

  /** What a device should run: its type's active config overlaid with its own. Undefined when neither has one. */
  async effective(orgId: string, deviceId: string): Promise<EffectiveConfig | undefined> {
    const d = await this.db.selectFrom('devices').select(['type_id', 'config_version']).where('org_id', '=', orgId).where('id', '=', deviceId).executeTakeFirst();
    if (!d) throw new OutpostError('ERR_HUB_NOT_FOUND', `device ${deviceId} not found`);
    const t = d.type_id === null ? undefined : await this.db.selectFrom('device_types').select('config_version').where('id', '=', d.type_id).executeTakeFirst();
    const typeBody = d.type_id === null || !t ? undefined : await this.body('device_type', d.type_id, t.config_version);
    const devBody = await this.body('device', deviceId, d.config_version);
    if (!typeBody && !devBody) return undefined;
    const parts = [typeBody ? `t${t!.config_version}` : '', devBody ? `d${d.config_version}` : ''].filter(Boolean);
    return { version: parts.join('-'), body: mergeConfig(typeBody ?? {}, devBody ?? {}) };
  }
}
