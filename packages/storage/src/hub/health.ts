import { sql, type Kysely } from 'kysely';
import type Database from 'better-sqlite3';
import type { HubTables } from './schema.js';
import type { PointWriterTarget } from './timeseries.js';

export interface HeartbeatRecord { at: number; status: string; body: Record<string, unknown> }
/** `service` is null for lines from gateways that do not name the part that logged them. */
export interface DeviceLog { at: number; level: string; msg: string; service?: string | null }
export interface RangeQuery { from: number; to: number; limit: number }
export type HeartbeatInput = HeartbeatRecord & { logs: DeviceLog[]; appliedConfig: string | null; configError: string | null };

type Beat = { orgId: string; deviceId: string; hb: HeartbeatInput };
type BeatStatements = Record<'touch' | 'beat' | 'log', Database.Statement>;
const sqliteStatements = new WeakMap<Database.Database, BeatStatements>();

/** SQLite: cached prepared statements, run in the caller's transaction (no SQL built per beat). */
function recordSqlite(db: Database.Database, beats: readonly Beat[], bodies: string[]): boolean[] {
  let st = sqliteStatements.get(db);
  if (!st) {
    st = {
      touch: db.prepare("update devices set last_seen_at = ?, last_status = ?, last_heartbeat = ?, applied_config = ?, config_error = ? where id = ? and org_id = ? and state = 'active'"),
      beat: db.prepare('insert into heartbeats (device_id, org_id, at, status, body) values (?, ?, ?, ?, ?)'),
      log: db.prepare('insert into device_logs (device_id, org_id, at, level, msg, service) values (?, ?, ?, ?, ?, ?)'),
    };
    sqliteStatements.set(db, st);
  }
  const { touch, beat, log } = st;
  return beats.map(({ orgId, deviceId, hb }, i) => {
    if (touch.run(hb.at, hb.status, bodies[i], hb.appliedConfig, hb.configError, deviceId, orgId).changes !== 1) return false;
    beat.run(deviceId, orgId, hb.at, hb.status, bodies[i]);
    for (const l of hb.logs) log.run(deviceId, orgId, l.at, l.level, l.msg, l.service ?? null);
    return true;
  });
}

/** Per-device heartbeats (status and system metrics over time) and shipped gateway logs. */
export class HealthRepo {
  constructor(private readonly db: Kysely<HubTables>, private readonly target: PointWriterTarget) {}

  /** One heartbeat: history row, logs, and the device's last-seen summary, in one transaction. False when the device is not active in that org. */
  async record(orgId: string, deviceId: string, hb: HeartbeatInput): Promise<boolean> {
    return (await this.recordMany([{ orgId, deviceId, hb }]))[0]!;
  }

  /**
   * Many heartbeats in one transaction (the hub group-commits concurrent beats). Per beat: the
   * device row update doubles as the check that the device is active in that org (no separate
   * lookup); a beat of an unknown, foreign or decommissioned device stores nothing and answers
   * false. On PostgreSQL the commit does not wait for the WAL flush (synchronous_commit off for
   * this transaction only): heartbeats are monitoring data, and a crash may lose the last fraction
   * of a second of them, never telemetry points.
   */
  async recordMany(beats: readonly Beat[]): Promise<boolean[]> {
    if (beats.length === 0) return [];
    const bodies = beats.map(({ hb }) => JSON.stringify(hb.body));
    const sqlite = this.target.dialect === 'sqlite' ? this.target.sqlite : undefined;
    // On SQLite, statements run inside a Kysely transaction all the same: it holds the connection,
    // so no other transaction's statements interleave with these (and roll them back with theirs).
    if (sqlite) {
      // Statements run inside a Kysely transaction all the same: it holds the connection, so no
      // other transaction's statements interleave with these (and roll them back with theirs).
      return this.db.transaction().execute(async () => recordSqlite(sqlite, beats, bodies));
    }
    // PostgreSQL: the whole group in one statement (its own transaction, one round trip). The
    // device update uses each device's latest beat (a device may beat twice in one group) and
    // returns the devices active in that org; only their beats and logs are inserted.
    const last = [...new Map(beats.map((b, i) => [`${b.orgId}\u0000${b.deviceId}`, i])).values()];
    const col = <T>(idx: number[], f: (i: number) => T) => idx.map(f);
    const all = beats.map((_, i) => i);
    const logs = beats.flatMap((b) => b.hb.logs.map((l) => ({ b, l })));
    const r = await sql<{ id: string; org_id: string }>`with cfg as materialized (select set_config('synchronous_commit', 'off', true) as v),
      upd as (
        update devices d set last_seen_at = u.at, last_status = u.status, last_heartbeat = u.body, applied_config = u.applied, config_error = u.err
        from cfg, unnest(${col(last, (i) => beats[i]!.deviceId)}::text[], ${col(last, (i) => beats[i]!.orgId)}::text[], ${col(last, (i) => beats[i]!.hb.at)}::bigint[],
          ${col(last, (i) => beats[i]!.hb.status)}::text[], ${col(last, (i) => bodies[i]!)}::text[], ${col(last, (i) => beats[i]!.hb.appliedConfig)}::text[],
          ${col(last, (i) => beats[i]!.hb.configError)}::text[]) as u(id, org, at, status, body, applied, err)
        where d.id = u.id and d.org_id = u.org and d.state = 'active' returning d.id, d.org_id),
      hb as (
        insert into heartbeats (device_id, org_id, at, status, body)
        select b.id, b.org, b.at, b.status, b.body from unnest(${col(all, (i) => beats[i]!.deviceId)}::text[], ${col(all, (i) => beats[i]!.orgId)}::text[],
          ${col(all, (i) => beats[i]!.hb.at)}::bigint[], ${col(all, (i) => beats[i]!.hb.status)}::text[], ${bodies}::text[]) as b(id, org, at, status, body)
        where exists (select 1 from upd where upd.id = b.id and upd.org_id = b.org)),
      lg as (
        insert into device_logs (device_id, org_id, at, level, msg, service)
        select l.id, l.org, l.at, l.level, l.msg, l.service from unnest(${logs.map((x) => x.b.deviceId)}::text[], ${logs.map((x) => x.b.orgId)}::text[],
          ${logs.map((x) => x.l.at)}::bigint[], ${logs.map((x) => x.l.level)}::text[], ${logs.map((x) => x.l.msg)}::text[], ${logs.map((x) => x.l.service ?? null)}::text[])
          as l(id, org, at, level, msg, service)
        where exists (select 1 from upd where upd.id = l.id and upd.org_id = l.org))
      select id, org_id from upd`.execute(this.db);
    const active = new Set(r.rows.map((x) => `${x.org_id}\u0000${x.id}`));
    return beats.map((b) => active.has(`${b.orgId}\u0000${b.deviceId}`));
  }

  async heartbeats(orgId: string, deviceId: string, q: RangeQuery): Promise<HeartbeatRecord[]> {
    const rows = await this.db.selectFrom('heartbeats').select(['at', 'status', 'body']).where('org_id', '=', orgId).where('device_id', '=', deviceId)
      .where('at', '>=', q.from).where('at', '<', q.to).orderBy('at').limit(q.limit).execute();
    return rows.map((r) => ({ at: r.at, status: r.status, body: JSON.parse(r.body) as Record<string, unknown> }));
  }

  async logs(orgId: string, deviceId: string, q: RangeQuery & { levels?: string[]; services?: string[] }): Promise<DeviceLog[]> {
    let s = this.db.selectFrom('device_logs').select(['at', 'level', 'msg', 'service']).where('org_id', '=', orgId).where('device_id', '=', deviceId)
      .where('at', '>=', q.from).where('at', '<', q.to);
    if (q.levels?.length) s = s.where('level', 'in', q.levels);
    if (q.services?.length) s = s.where('service', 'in', q.services);
    return s.orderBy('at').limit(q.limit).execute();
  }
}
