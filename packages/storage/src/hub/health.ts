import { sql, type Kysely } from 'kysely';
import type { HubDialect } from './open.js';
import type { HubTables } from './schema.js';

export interface HeartbeatRecord { at: number; status: string; body: Record<string, unknown> }
export interface DeviceLog { at: number; level: string; msg: string }
export interface RangeQuery { from: number; to: number; limit: number }
export type HeartbeatInput = HeartbeatRecord & { logs: DeviceLog[]; appliedConfig: string | null; configError: string | null };

/** Per-device heartbeats (status and system metrics over time) and shipped gateway logs. */
export class HealthRepo {
  constructor(private readonly db: Kysely<HubTables>, private readonly dialect: HubDialect) {}

  /** One heartbeat: history row, logs, and the device's last-seen summary, in one transaction. */
  async record(orgId: string, deviceId: string, hb: HeartbeatInput): Promise<void> {
    await this.recordMany([{ orgId, deviceId, hb }]);
  }

  /**
   * Many heartbeats in one transaction (the hub group-commits concurrent beats). On PostgreSQL the
   * commit does not wait for the WAL flush: heartbeats are monitoring data, and a crash may lose
   * the last fraction of a second of them, never telemetry points.
   */
  async recordMany(beats: ReadonlyArray<{ orgId: string; deviceId: string; hb: HeartbeatInput }>): Promise<void> {
    if (beats.length === 0) return;
    await this.db.transaction().execute(async (trx) => {
      if (this.dialect === 'postgres') await sql`set local synchronous_commit = off`.execute(trx);
      const rows = beats.map(({ orgId, deviceId, hb }) => ({ device_id: deviceId, org_id: orgId, at: hb.at, status: hb.status, body: JSON.stringify(hb.body) }));
      for (let i = 0; i < rows.length; i += 500) await trx.insertInto('heartbeats').values(rows.slice(i, i + 500)).execute();
      const logs = beats.flatMap(({ orgId, deviceId, hb }) => hb.logs.map((l) => ({ device_id: deviceId, org_id: orgId, at: l.at, level: l.level, msg: l.msg })));
      for (let i = 0; i < logs.length; i += 500) await trx.insertInto('device_logs').values(logs.slice(i, i + 500)).execute();
      for (let i = 0; i < beats.length; i++) {
        const { orgId, deviceId, hb } = beats[i]!;
        await trx.updateTable('devices').set({ last_seen_at: hb.at, last_status: hb.status, last_heartbeat: rows[i]!.body, applied_config: hb.appliedConfig, config_error: hb.configError })
          .where('id', '=', deviceId).where('org_id', '=', orgId).execute();
      }
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
