import type { Kysely } from 'kysely';
import type { HubTables } from './schema.js';

export interface HeartbeatRecord { at: number; status: string; body: Record<string, unknown> }
export interface DeviceLog { at: number; level: string; msg: string }
export interface RangeQuery { from: number; to: number; limit: number }

/** Per-device heartbeats (status and system metrics over time) and shipped gateway logs. */
export class HealthRepo {
  constructor(private readonly db: Kysely<HubTables>) {}

  /** One heartbeat: history row, logs, and the device's last-seen summary, in one transaction. */
  async record(orgId: string, deviceId: string, hb: HeartbeatRecord & { logs: DeviceLog[]; appliedConfig: string | null; configError: string | null }): Promise<void> {
    await this.db.transaction().execute(async (trx) => {
      const body = JSON.stringify(hb.body);
      await trx.insertInto('heartbeats').values({ device_id: deviceId, org_id: orgId, at: hb.at, status: hb.status, body }).execute();
      if (hb.logs.length) {
        await trx.insertInto('device_logs').values(hb.logs.map((l) => ({ device_id: deviceId, org_id: orgId, at: l.at, level: l.level, msg: l.msg }))).execute();
      }
      await trx.updateTable('devices').set({ last_seen_at: hb.at, last_status: hb.status, last_heartbeat: body, applied_config: hb.appliedConfig, config_error: hb.configError })
        .where('id', '=', deviceId).where('org_id', '=', orgId).execute();
    });
  }

  async heartbeats(orgId: string, deviceId: string, q: RangeQuery): Promise<HeartbeatRecord[]> {
    const rows = await this.db.selectFrom('heartbeats').select(['at', 'status', 'body']).where('org_id', '=', orgId).where('device_id', '=', deviceId)
      .where('at', '>=', q.from).where('at', '<', q.to).orderBy('at').limit(q.limit).execute();
    return rows.map((r) => ({ at: r.at, status: r.status, body: JSON.parse(r.body) as Record<string, unknown> }));
  }

  async logs(orgId: string, deviceId: string, q: RangeQuery & { levels?: string[] }): Promise<DeviceLog[]> {
    let s = this.db.selectFrom('device_logs').select(['at', 'level', 'msg']).where('org_id', '=', orgId).where('device_id', '=', deviceId)
      .where('at', '>=', q.from).where('at', '<', q.to);
    if (q.levels?.length) s = s.where('level', 'in', q.levels);
    return s.orderBy('at').limit(q.limit).execute();
  }
}
