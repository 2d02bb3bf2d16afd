import type { Kysely } from 'kysely';
import type { HubTables } from './schema.js';
import { mergeConfig, type EffectiveConfig } from './configs.js';
import type { ArtifactKind, Assignment, DeploymentStatus } from './assignments.js';
import type { DeviceDesired } from './rollouts.js';
import type { ExpectedMetric } from './fleet-types.js';

type Db = Kysely<HubTables>;

/** Everything a heartbeat answer needs about one device, as the per-device loaders return it. */
export interface DeviceDesiredState {
  config: EffectiveConfig | undefined;
  assignments: Array<Assignment & { status: DeploymentStatus; reason: string | null }>;
  rollouts: DeviceDesired[];
  expectedMetrics: ExpectedMetric[];
}

/** Ids per statement: far below SQLite's and PostgreSQL's bound-parameter limits. */
const CHUNK = 500;

const chunks = <T>(xs: readonly T[]): T[][] => {
  const out: T[][] = [];
  for (let i = 0; i < xs.length; i += CHUNK) out.push(xs.slice(i, i + CHUNK));
  return out;
};

/** Run one query per chunk of ids and concatenate the rows. */
async function inChunks<T, R>(ids: readonly T[], q: (part: T[]) => Promise<R[]>): Promise<R[]> {
  if (ids.length === 0) return [];
  return (await Promise.all(chunks(ids).map(q))).flat();
}

const group = <R>(rows: readonly R[], key: (r: R) => string): Map<string, R[]> => {
  const m = new Map<string, R[]>();
  for (const r of rows) { const k = key(r); const l = m.get(k); if (l) l.push(r); else m.set(k, [r]); }
  return m;
};

/**
 * The desired state of many devices of one organisation at once: one set of queries per source
 * table instead of ~8 per device, so a hub that starts (or a fleet that beats for the first time)
 * fills its heartbeat cache without a backlog. Must agree with `configs.effective`,
 * `assignments.forDevice`, `rollouts.desiredFor` and the device type's metrics, device by device
 * (conformance-tested). Unknown devices and those of other organisations are absent from the result.
 */
export class DesiredStateRepo {
  constructor(private readonly db: Db) {}

  async forDevices(orgId: string, deviceIds: readonly string[]): Promise<Map<string, DeviceDesiredState>> {
    const out = new Map<string, DeviceDesiredState>();
    const devices = await inChunks([...new Set(deviceIds)], (ids) =>
      this.db.selectFrom('devices').select(['id', 'type_id', 'config_version']).where('org_id', '=', orgId).where('id', 'in', ids).execute());
    if (devices.length === 0) return out;
    const ids = devices.map((d) => d.id);
    const typeIds = [...new Set(devices.flatMap((d) => (d.type_id === null ? [] : [d.type_id])))];

    const [types, assignments, rollouts] = await Promise.all([
      inChunks(typeIds, (part) => this.db.selectFrom('device_types').select(['id', 'config_version', 'metrics']).where('org_id', '=', orgId).where('id', 'in', part).execute()),
      this.assignmentsOf(orgId, ids, typeIds),
      inChunks(ids, (part) => this.db.selectFrom('rollout_devices as d').innerJoin('rollouts as r', 'r.id', 'd.rollout_id')
        .select(['d.device_id', 'd.rollout_id', 'd.desired_version', 'd.version', 'd.released_at', 'r.artifact_kind', 'r.artifact_name', 'r.health_s'])
        .where('d.org_id', '=', orgId).where('d.device_id', 'in', part).where('d.released_at', 'is not', null).execute()),
    ]);
    const typeById = new Map(types.map((t) => [t.id, t]));
    const bodies = await this.configBodies(orgId, [
      ...devices.flatMap((d) => (d.config_version === null ? [] : [{ kind: 'device', id: d.id, version: d.config_version }])),
      ...types.flatMap((t) => (t.config_version === null ? [] : [{ kind: 'device_type', id: t.id, version: t.config_version }])),
    ]);
    const deployments = await inChunks(assignments.map((a) => a.id), (part) =>
      this.db.selectFrom('deployments').select(['assignment_id', 'device_id', 'status', 'reason']).where('assignment_id', 'in', part).execute());
    const deploymentOf = new Map(deployments.map((d) => [`${d.assignment_id}\u0000${d.device_id}`, d]));
    const assignmentsOf = group(assignments, (a) => `${a.target_kind}\u0000${a.target_id}`);
    // Stable sort by release time: the per-device query orders the same way, later releases win.
    const rolloutsOf = group([...rollouts].sort((x, y) => x.released_at! - y.released_at!), (r) => r.device_id);

    for (const d of devices) {
      const t = d.type_id === null ? undefined : typeById.get(d.type_id);
      const typeBody = t && t.config_version !== null ? bodies.get(`device_type\u0000${t.id}\u0000${t.config_version}`) : undefined;
      const devBody = d.config_version !== null ? bodies.get(`device\u0000${d.id}\u0000${d.config_version}`) : undefined;
      const parts = [typeBody ? `t${t!.config_version}` : '', devBody ? `d${d.config_version}` : ''].filter(Boolean);
      const config = typeBody || devBody ? { version: parts.join('-'), body: mergeConfig(typeBody ?? {}, devBody ?? {}) } : undefined;

      const key = (a: { artifact_kind: string; name: string }) => `${a.artifact_kind}\u0000${a.name}`;
      const own = assignmentsOf.get(`device\u0000${d.id}`) ?? [];
      const mine = new Set(own.map(key));
      const typed = d.type_id === null ? [] : (assignmentsOf.get(`device_type\u0000${d.type_id}`) ?? []).filter((a) => !mine.has(key(a)));
      const assigned = [...own, ...typed].map((r) => {
        const dep = deploymentOf.get(`${r.id}\u0000${d.id}`);
        return {
          id: r.id, orgId: r.org_id, targetKind: r.target_kind as Assignment['targetKind'], targetId: r.target_id, artifactKind: r.artifact_kind as ArtifactKind,
          name: r.name, version: r.version, createdAt: r.created_at, status: (dep?.status ?? 'pending') as DeploymentStatus, reason: dep?.reason ?? null,
        };
      });

      const latest = new Map<string, DeviceDesired>();
      for (const x of rolloutsOf.get(d.id) ?? []) {
        latest.set(`${x.artifact_kind}\u0000${x.artifact_name}`, {
          rolloutId: x.rollout_id, kind: x.artifact_kind as ArtifactKind, name: x.artifact_name, version: x.desired_version,
          rollback: x.desired_version !== x.version, healthS: x.health_s, releasedAt: x.released_at!,
        });
      }
      out.set(d.id, { config, assignments: assigned, rollouts: [...latest.values()], expectedMetrics: t ? (JSON.parse(t.metrics) as ExpectedMetric[]) : [] });
    }
    return out;
  }

  /** Active devices (at most `max`), to fill a heartbeat cache at hub start. */
  async activeDevices(max: number): Promise<Array<{ orgId: string; id: string }>> {
    const rows = await this.db.selectFrom('devices').select(['org_id', 'id']).where('state', '=', 'active').limit(max).execute();
    return rows.map((r) => ({ orgId: r.org_id, id: r.id }));
  }

  /** Devices' own and their types' assignments, each list in the order `assignments.list` gives. */
  private async assignmentsOf(orgId: string, ids: string[], typeIds: string[]): Promise<Array<HubTables['assignments']>> {
    const q = (kind: 'device' | 'device_type', part: string[]) => this.db.selectFrom('assignments').selectAll().where('org_id', '=', orgId)
      .where('target_kind', '=', kind).where('target_id', 'in', part).orderBy('created_at').orderBy('id').execute();
    const [own, typed] = await Promise.all([inChunks(ids, (p) => q('device', p)), inChunks(typeIds, (p) => q('device_type', p))]);
    return [...own, ...typed];
  }

  /** The bodies of exactly these (target, version) pairs, keyed `kind\0id\0version`. */
  private async configBodies(orgId: string, want: Array<{ kind: string; id: string; version: number }>): Promise<Map<string, Record<string, unknown>>> {
    const wanted = new Set(want.map((w) => `${w.kind}\u0000${w.id}\u0000${w.version}`));
    const rows = await inChunks(want, (part) => this.db.selectFrom('configs').select(['target_kind', 'target_id', 'version', 'body']).where('org_id', '=', orgId)
      .where('target_id', 'in', part.map((w) => w.id)).where('version', 'in', [...new Set(part.map((w) => w.version))]).execute());
    const out = new Map<string, Record<string, unknown>>();
    for (const r of rows) {
      const k = `${r.target_kind}\u0000${r.target_id}\u0000${r.version}`;
      if (wanted.has(k)) out.set(k, JSON.parse(r.body) as Record<string, unknown>);
    }
    return out;
  }
}
