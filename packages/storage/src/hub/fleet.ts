import { sql, type Kysely } from 'kysely';
import { OutpostError } from '@outpost/contract';
import { writeAudit, type Actor } from './audit.js';
import type { HubTables } from './schema.js';
import { isUniqueViolation } from './sql-errors.js';
import { ConfigRepo } from './configs.js';
import type { Device, DeviceListQuery, DevicePatch, DeviceType, ExpectedMetric, RegistrationToken } from './fleet-types.js';

type Db = Kysely<HubTables>;
type DeviceRow = HubTables['devices'];

const parse = <T>(s: string | null): T | null => (s === null ? null : (JSON.parse(s) as T));
const toType = (r: HubTables['device_types']): DeviceType => ({
  id: r.id, orgId: r.org_id, name: r.name, metrics: JSON.parse(r.metrics) as ExpectedMetric[], configVersion: r.config_version, createdAt: r.created_at,
});
const toToken = (r: HubTables['registration_tokens']): RegistrationToken => ({
  id: r.id, orgId: r.org_id, prefix: r.prefix, deviceTypeId: r.device_type_id, expiresAt: r.expires_at,
  usedAt: r.used_at, usedByDevice: r.used_by_device, createdBy: r.created_by, createdAt: r.created_at,
});

/** `%` and `_` in user text are literals in LIKE, not wildcards. */
const likeLiteral = (s: string) => s.replace(/[\\%_]/g, (c) => `\\${c}`);

/** Device types, registration tokens and devices (with tag/group labels). */
export class FleetRepo {
  constructor(private readonly db: Db) {}

  async createDeviceType(actor: Actor, t: { id: string; name: string; metrics: ExpectedMetric[] }, at: number): Promise<DeviceType> {
    const type: DeviceType = { ...t, orgId: actor.orgId, configVersion: null, createdAt: at };
    await this.db.transaction().execute(async (trx) => {
      await trx.insertInto('device_types').values({ id: t.id, org_id: actor.orgId, name: t.name, metrics: JSON.stringify(t.metrics), config_version: null, created_at: at })
        .execute().catch((e) => { throw isUniqueViolation(e) ? new OutpostError('ERR_HUB_CONFLICT', `device type "${t.name}" already exists`) : e; });
      await writeAudit(trx, actor, 'create', 'device_type', t.id, null, type, at);
    });
    return type;
  }

  async getDeviceType(orgId: string, id: string): Promise<DeviceType | undefined> {
    const r = await this.db.selectFrom('device_types').selectAll().where('org_id', '=', orgId).where('id', '=', id).executeTakeFirst();
    return r && toType(r);
  }

  async listDeviceTypes(orgId: string): Promise<DeviceType[]> {
    return (await this.db.selectFrom('device_types').selectAll().where('org_id', '=', orgId).orderBy('name').execute()).map(toType);
  }

  async createRegistrationToken(actor: Actor, t: { id: string; prefix: string; secretHash: string; deviceTypeId: string | null; expiresAt: number }, at: number): Promise<RegistrationToken> {
    if (t.deviceTypeId !== null && !(await this.getDeviceType(actor.orgId, t.deviceTypeId))) {
      throw new OutpostError('ERR_HUB_NOT_FOUND', `device type ${t.deviceTypeId} not found`);
    }
    const token: RegistrationToken = { id: t.id, orgId: actor.orgId, prefix: t.prefix, deviceTypeId: t.deviceTypeId, expiresAt: t.expiresAt, usedAt: null, usedByDevice: null, createdBy: actor.id, createdAt: at };
    await this.db.transaction().execute(async (trx) => {
      await trx.insertInto('registration_tokens').values({
        id: t.id, org_id: actor.orgId, prefix: t.prefix, secret_hash: t.secretHash, device_type_id: t.deviceTypeId,
        expires_at: t.expiresAt, used_at: null, used_by_device: null, created_by: actor.id, created_at: at,
      }).execute();
      await writeAudit(trx, actor, 'create', 'registration_token', t.id, null, token, at);
    });
    return token;
  }

  /** Registration tokens of the organisation, newest first (never the secrets). */
  async listRegistrationTokens(orgId: string): Promise<RegistrationToken[]> {
    return (await this.db.selectFrom('registration_tokens').selectAll().where('org_id', '=', orgId).orderBy('created_at', 'desc').orderBy('id').execute()).map(toToken);
  }

  /**
   * Revoke an unused token by making it expire now: registration with it then fails as expired.
   * A used or already expired token is returned unchanged (nothing left to revoke).
   */
  async revokeRegistrationToken(actor: Actor, id: string, at: number): Promise<RegistrationToken> {
    return this.db.transaction().execute(async (trx) => {
      const r = await trx.selectFrom('registration_tokens').selectAll().where('org_id', '=', actor.orgId).where('id', '=', id).executeTakeFirst();
      if (!r) throw new OutpostError('ERR_HUB_NOT_FOUND', `registration token ${id} not found`);
      const before = toToken(r);
      if (r.used_at !== null || r.expires_at <= at) return before;
      await trx.updateTable('registration_tokens').set({ expires_at: at }).where('id', '=', id).execute();
      const after = { ...before, expiresAt: at };
      await writeAudit(trx, actor, 'revoke', 'registration_token', id, before, after, at);
      return after;
    });
  }

  async findRegistrationToken(prefix: string): Promise<(RegistrationToken & { secretHash: string }) | undefined> {
    const r = await this.db.selectFrom('registration_tokens').selectAll().where('prefix', '=', prefix).executeTakeFirst();
    return r && { ...toToken(r), secretHash: r.secret_hash };
  }

  /**
   * Consume a registration token and create the device in one transaction. The token is claimed
   * with a conditional update, so two concurrent registrations with one token cannot both win.
   */
  async registerDevice(token: RegistrationToken, d: { id: string; hardwareId: string; name: string; credentialPrefix: string; credentialHash: string }, at: number): Promise<Device> {
    const actor: Actor = { orgId: token.orgId, id: `token:${token.id}` };
    return this.db.transaction().execute(async (trx) => {
      const exists = await trx.selectFrom('devices').select(['id', 'state']).where('org_id', '=', token.orgId).where('hardware_id', '=', d.hardwareId).executeTakeFirst();
      if (exists) throw new OutpostError('ERR_HUB_DEVICE_EXISTS', `hardware id "${d.hardwareId}" is already registered as device ${exists.id}; decommission it before registering again`, { deviceId: exists.id });
      const claimed = await trx.updateTable('registration_tokens').set({ used_at: at, used_by_device: d.id })
        .where('id', '=', token.id).where('used_at', 'is', null).executeTakeFirst();
      if (Number(claimed.numUpdatedRows) !== 1) throw new OutpostError('ERR_HUB_TOKEN_USED', `registration token ${token.prefix} was already used; create a new one`);
      const row: DeviceRow = {
        id: d.id, org_id: token.orgId, hardware_id: d.hardwareId, name: d.name, type_id: token.deviceTypeId, location: null, metadata: '{}',
        state: 'active', credential_prefix: d.credentialPrefix, credential_hash: d.credentialHash, config_version: null, last_seen_at: null, last_status: null,
        last_heartbeat: null, applied_config: null, config_error: null, created_at: at, updated_at: at,
      };
      await trx.insertInto('devices').values(row).execute();
      const device = toDevice(row, []);
      await writeAudit(trx, actor, 'register', 'device', d.id, null, device, at);
      return device;
    });
  }

  async findDeviceByCredential(prefix: string): Promise<(Device & { credentialHash: string }) | undefined> {
    const r = await this.db.selectFrom('devices').selectAll().where('credential_prefix', '=', prefix).executeTakeFirst();
    return r && { ...toDevice(r, await this.labels([r.id])), credentialHash: r.credential_hash };
  }

  async getDevice(orgId: string, id: string): Promise<Device | undefined> {
    const r = await this.db.selectFrom('devices').selectAll().where('org_id', '=', orgId).where('id', '=', id).executeTakeFirst();
    return r && toDevice(r, await this.labels([r.id]));
  }

  /** Just the lifecycle state (the heartbeat's hot path needs no labels). */
  async getDeviceState(orgId: string, id: string): Promise<Device['state'] | undefined> {
    const r = await this.db.selectFrom('devices').select('state').where('org_id', '=', orgId).where('id', '=', id).executeTakeFirst();
    return r?.state as Device['state'] | undefined;
  }

  /** Look a device up by its hardware id (the public ingest API's `device_external_id`). */
  async getDeviceByHardwareId(orgId: string, hardwareId: string): Promise<Device | undefined> {
    const r = await this.db.selectFrom('devices').selectAll().where('org_id', '=', orgId).where('hardware_id', '=', hardwareId).executeTakeFirst();
    return r && toDevice(r, await this.labels([r.id]));
  }

  async listDevices(orgId: string, q: DeviceListQuery): Promise<{ items: Device[]; total: number }> {
    let s = this.db.selectFrom('devices').where('devices.org_id', '=', orgId);
    if (q.state !== undefined) s = s.where('state', '=', q.state);
    if (q.typeId !== undefined) s = s.where('type_id', '=', q.typeId);
    if (q.seenSince !== undefined) s = s.where('last_seen_at', '>=', q.seenSince);
    if (q.lastStatus !== undefined) s = s.where('last_status', '=', q.lastStatus);
    if (q.notSeenSince !== undefined) { const t = q.notSeenSince; s = s.where((eb) => eb.or([eb('last_seen_at', 'is', null), eb('last_seen_at', '<', t)])); }
    for (const [kind, value] of [['tag', q.tag], ['group', q.group]] as const) {
      if (value === undefined) continue;
      s = s.where((eb) => eb.exists(eb.selectFrom('device_labels as l').select('l.device_id')
        .whereRef('l.device_id', '=', 'devices.id').where('l.kind', '=', kind).where('l.value', '=', value)));
    }
    if (q.text !== undefined && q.text !== '') {
      const pat = `%${likeLiteral(q.text.toLowerCase())}%`;
      s = s.where((eb) => eb.or([
        sql<boolean>`lower(name) like ${pat} escape '\\'`, sql<boolean>`lower(hardware_id) like ${pat} escape '\\'`,
      ]));
    }
    const total = Number((await s.select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);
    const rows = await s.selectAll().orderBy(q.sort ?? 'name', q.order ?? 'asc').orderBy('id').limit(q.limit).offset(q.offset).execute();
    const labels = await this.labels(rows.map((r) => r.id));
    return { items: rows.map((r) => toDevice(r, labels)), total };
  }

  async updateDevice(actor: Actor, id: string, p: DevicePatch, at: number): Promise<Device> {
    // A new type changes the device's effective config: cached desired state must be dropped.
    try { return await this.updateDeviceTx(actor, id, p, at); } finally { if (p.typeId !== undefined) ConfigRepo.generation++; }
  }

  private async updateDeviceTx(actor: Actor, id: string, p: DevicePatch, at: number): Promise<Device> {
    return this.db.transaction().execute(async (trx) => {
      const before = await new FleetRepo(trx).getDevice(actor.orgId, id);
      if (!before) throw new OutpostError('ERR_HUB_NOT_FOUND', `device ${id} not found`);
      if (p.typeId !== undefined && p.typeId !== null && !(await new FleetRepo(trx).getDeviceType(actor.orgId, p.typeId))) {
        throw new OutpostError('ERR_HUB_NOT_FOUND', `device type ${p.typeId} not found`);
      }
      const set: Partial<DeviceRow> = { updated_at: at };
      if (p.name !== undefined) set.name = p.name;
      if (p.typeId !== undefined) set.type_id = p.typeId;
      if (p.location !== undefined) set.location = p.location === null ? null : JSON.stringify(p.location);
      if (p.metadata !== undefined) set.metadata = JSON.stringify(p.metadata);
      await trx.updateTable('devices').set(set).where('id', '=', id).execute();
      for (const [kind, values] of [['tag', p.tags], ['group', p.groups]] as const) {
        if (values === undefined) continue;
        await trx.deleteFrom('device_labels').where('device_id', '=', id).where('kind', '=', kind).execute();
        const unique = [...new Set(values)];
        if (unique.length) await trx.insertInto('device_labels').values(unique.map((value) => ({ device_id: id, org_id: actor.orgId, kind, value }))).execute();
      }
      const after = (await new FleetRepo(trx).getDevice(actor.orgId, id))!;
      await writeAudit(trx, actor, 'update', 'device', id, before, after, at);
      return after;
    });
  }

  /** Decommission: the credential stops working; data stays for history. */
  async decommissionDevice(actor: Actor, id: string, at: number): Promise<Device> {
    return this.db.transaction().execute(async (trx) => {
      const before = await new FleetRepo(trx).getDevice(actor.orgId, id);
      if (!before) throw new OutpostError('ERR_HUB_NOT_FOUND', `device ${id} not found`);
      // The hardware id is freed so the box can be registered again with a new token.
      await trx.updateTable('devices').set({ state: 'decommissioned', updated_at: at, hardware_id: `${before.hardwareId}#decommissioned:${id}` }).where('id', '=', id).execute();
      const after = { ...before, state: 'decommissioned' as const, updatedAt: at };
      await writeAudit(trx, actor, 'decommission', 'device', id, before, after, at);
      return after;
    });
  }

  private async labels(ids: string[]): Promise<Map<string, { tags: string[]; groups: string[] }>> {
    const out = new Map<string, { tags: string[]; groups: string[] }>();
    if (ids.length === 0) return out;
    const rows = await this.db.selectFrom('device_labels').selectAll().where('device_id', 'in', ids).orderBy('value').execute();
    for (const r of rows) {
      const e = out.get(r.device_id) ?? { tags: [], groups: [] };
      (r.kind === 'tag' ? e.tags : e.groups).push(r.value);
      out.set(r.device_id, e);
    }
    return out;
  }
}

function toDevice(r: DeviceRow, labels: Map<string, { tags: string[]; groups: string[] }> | never[]): Device {
  const l = labels instanceof Map ? labels.get(r.id) : undefined;
  return {
    id: r.id, orgId: r.org_id, hardwareId: r.hardware_id, name: r.name, typeId: r.type_id, tags: l?.tags ?? [], groups: l?.groups ?? [],
    location: parse(r.location), metadata: JSON.parse(r.metadata) as Record<string, unknown>, state: r.state as Device['state'],
    configVersion: r.config_version, lastSeenAt: r.last_seen_at, lastStatus: r.last_status, lastHeartbeat: parse(r.last_heartbeat),
    appliedConfig: r.applied_config, configError: r.config_error, createdAt: r.created_at, updatedAt: r.updated_at,
  };
}
