import type { Kysely } from 'kysely';
import { OutpostError } from '@outpost/contract';
import type { ArtifactKind, DeploymentReport, DeviceDeployState } from '@outpost/contract/artifacts';
import { writeAudit, type Actor } from './audit.js';
import type { HubTables } from './schema.js';
import { ConfigRepo } from './configs.js';

export type RolloutState = 'created' | 'running' | 'paused' | 'completed' | 'cancelled' | 'rolled_back';
/** States a device row leaves only by a report (or a per-device timeout). */
export const IN_FLIGHT: readonly DeviceDeployState[] = ['pending', 'downloading', 'installing', 'verifying'];

export interface Rollout {
  id: string; orgId: string; name: string; artifactKind: ArtifactKind; artifactName: string; version: string; versionB: string | null;
  target: Record<string, unknown>; strategy: Record<string, unknown>; gates: Record<string, unknown>;
  onGate: 'rollback' | 'pause'; deviceTimeoutS: number; healthS: number;
  state: RolloutState; reason: string | null; batch: number; batchDoneAt: number | null;
  createdBy: string; createdAt: number; startedAt: number | null; updatedAt: number; finishedAt: number | null;
}
export interface RolloutDevice {
  rolloutId: string; deviceId: string; batch: number; arm: 'a' | 'b' | null; version: string; previousVersion: string | null;
  desiredVersion: string | null; state: DeviceDeployState; error: string | null; metrics: DeploymentReport['metrics'] | null;
  releasedAt: number | null; stateAt: number;
}
/** What a device should run for one artifact name, from the latest deployment released to it. */
export interface DeviceDesired { rolloutId: string; kind: ArtifactKind; name: string; version: string | null; rollback: boolean; healthS: number; releasedAt: number }

type Db = Kysely<HubTables>;
type RRow = HubTables['rollouts'];
type DRow = HubTables['rollout_devices'];
const toRollout = (r: RRow): Rollout => ({
  id: r.id, orgId: r.org_id, name: r.name, artifactKind: r.artifact_kind as ArtifactKind, artifactName: r.artifact_name, version: r.version, versionB: r.version_b,
  target: JSON.parse(r.target), strategy: JSON.parse(r.strategy), gates: JSON.parse(r.gates), onGate: r.on_gate as Rollout['onGate'],
  deviceTimeoutS: r.device_timeout_s, healthS: r.health_s, state: r.state as RolloutState, reason: r.reason, batch: r.batch, batchDoneAt: r.batch_done_at,
  createdBy: r.created_by, createdAt: r.created_at, startedAt: r.started_at, updatedAt: r.updated_at, finishedAt: r.finished_at,
});
const toDevice = (r: DRow): RolloutDevice => ({
  rolloutId: r.rollout_id, deviceId: r.device_id, batch: r.batch, arm: r.arm as RolloutDevice['arm'], version: r.version, previousVersion: r.previous_version,
  desiredVersion: r.desired_version, state: r.state as DeviceDeployState, error: r.error, metrics: r.metrics === null ? null : JSON.parse(r.metrics), releasedAt: r.released_at, stateAt: r.state_at,
});
const chunks = <T>(xs: T[], n = 500): T[][] => Array.from({ length: Math.ceil(xs.length / n) }, (_, i) => xs.slice(i * n, (i + 1) * n));

/**
 * Deployments ("rollouts" in the tables: `deployments` already names assignment status rows):
 * one row per deployment, one per targeted device with its batch and state. A device's desired
 * version of an artifact is the one its most recently released deployment row says.
 */
export class RolloutRepo {
  constructor(private readonly db: Db) {}

  async create(actor: Actor, r: Omit<Rollout, 'orgId' | 'state' | 'reason' | 'batch' | 'batchDoneAt' | 'createdBy' | 'createdAt' | 'startedAt' | 'updatedAt' | 'finishedAt'>,
    devices: Array<{ deviceId: string; batch: number; arm: 'a' | 'b' | null; version: string }>, at: number): Promise<Rollout> {
    const row: RRow = {
      id: r.id, org_id: actor.orgId, name: r.name, artifact_kind: r.artifactKind, artifact_name: r.artifactName, version: r.version, version_b: r.versionB,
      target: JSON.stringify(r.target), strategy: JSON.stringify(r.strategy), gates: JSON.stringify(r.gates), on_gate: r.onGate,
      device_timeout_s: r.deviceTimeoutS, health_s: r.healthS, state: 'created', reason: null, batch: -1, batch_done_at: null,
      created_by: actor.id, created_at: at, started_at: null, updated_at: at, finished_at: null,
    };
    await this.db.transaction().execute(async (trx) => {
      await trx.insertInto('rollouts').values(row).execute();
      for (const part of chunks(devices)) {
        await trx.insertInto('rollout_devices').values(part.map((d) => ({
          rollout_id: r.id, device_id: d.deviceId, org_id: actor.orgId, batch: d.batch, arm: d.arm, version: d.version,
          previous_version: null, desired_version: null, state: 'pending', error: null, metrics: null, released_at: null, state_at: at,
        }))).execute();
      }
      await writeAudit(trx, actor, 'create', 'deployment', r.id, null, { ...toRollout(row), devices: devices.length }, at);
    });
    return toRollout(row);
  }

  async get(orgId: string, id: string): Promise<Rollout> {
    const r = await this.db.selectFrom('rollouts').selectAll().where('org_id', '=', orgId).where('id', '=', id).executeTakeFirst();
    if (!r) throw new OutpostError('ERR_HUB_NOT_FOUND', `deployment ${id} not found`);
    return toRollout(r);
  }

  async list(orgId: string, q: { state?: RolloutState; limit?: number } = {}): Promise<Rollout[]> {
    let s = this.db.selectFrom('rollouts').selectAll().where('org_id', '=', orgId);
    if (q.state !== undefined) s = s.where('state', '=', q.state);
    return (await s.orderBy('created_at', 'desc').limit(q.limit ?? 200).execute()).map(toRollout);
  }

  /** Deployments the controller must look after, in every organisation. */
  async running(): Promise<Rollout[]> {
    return (await this.db.selectFrom('rollouts').selectAll().where('state', '=', 'running').execute()).map(toRollout);
  }

  /** Another unfinished deployment of the same artifact name in the org (two at once would fight over devices). */
  async competing(orgId: string, kind: string, name: string, exceptId: string): Promise<Rollout | undefined> {
    const r = await this.db.selectFrom('rollouts').selectAll().where('org_id', '=', orgId).where('artifact_kind', '=', kind).where('artifact_name', '=', name)
      .where('state', 'in', ['running', 'paused']).where('id', '!=', exceptId).executeTakeFirst();
    return r && toRollout(r);
  }

  async devices(rolloutId: string): Promise<RolloutDevice[]> {
    return (await this.db.selectFrom('rollout_devices').selectAll().where('rollout_id', '=', rolloutId).orderBy('batch').orderBy('device_id').execute()).map(toDevice);
  }

  async update(actor: Actor | null, r: Rollout, patch: Partial<Pick<Rollout, 'state' | 'reason' | 'batch' | 'batchDoneAt' | 'startedAt' | 'finishedAt' | 'gates'>>, at: number): Promise<Rollout> {
    const next = { ...r, ...patch, updatedAt: at };
    await this.db.transaction().execute(async (trx) => {
      await trx.updateTable('rollouts').set({
        state: next.state, reason: next.reason, batch: next.batch, batch_done_at: next.batchDoneAt, started_at: next.startedAt,
        finished_at: next.finishedAt, gates: JSON.stringify(next.gates), updated_at: at,
      }).where('id', '=', r.id).execute();
      if (patch.state !== undefined && patch.state !== r.state) {
        await writeAudit(trx, actor ?? { orgId: r.orgId, id: 'system:deployments' }, patch.state, 'deployment', r.id, { state: r.state }, { state: next.state, reason: next.reason }, at);
      }
    });
    return next;
  }

  /**
   * Release one batch: each device's desired version becomes the deployment's, remembering the
   * version it runs from earlier deployments of the same artifact (what a rollback returns to).
   */
  async release(r: Rollout, batch: number, at: number): Promise<number> {
    try {
      return await this.db.transaction().execute(async (trx) => {
        const rows = await trx.selectFrom('rollout_devices').select(['device_id', 'version']).where('rollout_id', '=', r.id).where('batch', '=', batch).where('released_at', 'is', null).execute();
        const prev = new Map<string, { v: string | null; at: number }>();
        for (const part of chunks(rows.map((x) => x.device_id))) {
          const earlier = await trx.selectFrom('rollout_devices as d').innerJoin('rollouts as r', 'r.id', 'd.rollout_id')
            .select(['d.device_id', 'd.desired_version', 'd.previous_version', 'd.state', 'd.released_at']).where('r.org_id', '=', r.orgId).where('r.artifact_kind', '=', r.artifactKind)
            .where('r.artifact_name', '=', r.artifactName).where('d.device_id', 'in', part).where('d.released_at', 'is not', null).where('d.rollout_id', '!=', r.id).execute();
          for (const e of earlier) {
            const cur = prev.get(e.device_id);
            // A device that failed an earlier version went back to that deployment's previous one.
            if (!cur || e.released_at! > cur.at) prev.set(e.device_id, { v: e.state === 'failed' ? e.previous_version : e.desired_version, at: e.released_at! });
          }
        }
        for (const x of rows) {
          await trx.updateTable('rollout_devices').set({ previous_version: prev.get(x.device_id)?.v ?? null, desired_version: x.version, released_at: at, state: 'pending', state_at: at })
            .where('rollout_id', '=', r.id).where('device_id', '=', x.device_id).execute();
        }
        return rows.length;
      });
    } finally { ConfigRepo.generation++; }
  }

  /** Point released devices back at their previous version; devices never released are skipped. */
  async rollback(r: Rollout, at: number, reason: string): Promise<void> {
    try {
      await this.db.transaction().execute(async (trx) => {
        await trx.updateTable('rollout_devices').set((eb) => ({ desired_version: eb.ref('previous_version'), state_at: at }))
          .where('rollout_id', '=', r.id).where('released_at', 'is not', null).execute();
        await trx.updateTable('rollout_devices').set({ state: 'skipped', error: reason, state_at: at }).where('rollout_id', '=', r.id).where('released_at', 'is', null).execute();
      });
    } finally { ConfigRepo.generation++; }
  }

  /** Devices the deployment was never released to become skipped (cancel). */
  async skipUnreleased(r: Rollout, at: number, reason: string): Promise<void> {
    await this.db.updateTable('rollout_devices').set({ state: 'skipped', error: reason, state_at: at }).where('rollout_id', '=', r.id).where('released_at', 'is', null).execute();
  }

  /** Set device states decided by the hub (per-device timeouts, gate breaches). */
  async markDevices(rolloutId: string, deviceIds: string[], state: DeviceDeployState, error: string | null, at: number): Promise<void> {
    for (const part of chunks(deviceIds)) {
      await this.db.updateTable('rollout_devices').set({ state, error, state_at: at }).where('rollout_id', '=', rolloutId).where('device_id', 'in', part).execute();
    }
  }

  /** A gateway's reports; only deployments released to this device count, anything else is ignored. */
  async report(orgId: string, deviceId: string, reports: readonly DeploymentReport[], at: number): Promise<number> {
    let n = 0;
    for (const rep of reports) {
      // A device rolled back after it failed keeps its failure's reason (failures by reason stay complete).
      const error = rep.state === 'failed' ? (rep.error ?? 'no reason given') : rep.state === 'rolled_back' ? (rep.error ?? undefined) : (rep.error ?? null);
      let q = this.db.updateTable('rollout_devices').set({
        state: rep.state, ...(error !== undefined ? { error } : {}),
        ...(rep.metrics ? { metrics: JSON.stringify(rep.metrics) } : {}), state_at: at,
      }).where('org_id', '=', orgId).where('device_id', '=', deviceId).where('rollout_id', '=', rep.deploymentId).where('released_at', 'is not', null)
      // A repeated report of an unchanged state is not written again (every heartbeat repeats it).
      if (!rep.metrics) q = q.where('state', '!=', rep.state);
      n += Number((await q.executeTakeFirst()).numUpdatedRows);
    }
    return n;
  }

  /** Per artifact name, what the device's latest released deployment wants it to run. */
  async desiredFor(orgId: string, deviceId: string): Promise<DeviceDesired[]> {
    const rows = await this.db.selectFrom('rollout_devices as d').innerJoin('rollouts as r', 'r.id', 'd.rollout_id')
      .select(['d.rollout_id', 'd.desired_version', 'd.version', 'd.released_at', 'r.artifact_kind', 'r.artifact_name', 'r.health_s'])
      .where('d.org_id', '=', orgId).where('d.device_id', '=', deviceId).where('d.released_at', 'is not', null).orderBy('d.released_at').execute();
    const latest = new Map<string, DeviceDesired>();
    for (const x of rows) {
      latest.set(`${x.artifact_kind}\u0000${x.artifact_name}`, {
        rolloutId: x.rollout_id, kind: x.artifact_kind as ArtifactKind, name: x.artifact_name, version: x.desired_version,
        rollback: x.desired_version !== x.version, healthS: x.health_s, releasedAt: x.released_at!,
      });
    }
    return [...latest.values()];
  }

  /** What was deployed to a device, newest first. */
  async history(orgId: string, deviceId: string): Promise<Array<RolloutDevice & { name: string; artifactKind: ArtifactKind; artifactName: string }>> {
    const rows = await this.db.selectFrom('rollout_devices as d').innerJoin('rollouts as r', 'r.id', 'd.rollout_id').selectAll('d')
      .select(['r.name', 'r.artifact_kind', 'r.artifact_name']).where('d.org_id', '=', orgId).where('d.device_id', '=', deviceId)
      .orderBy('d.state_at', 'desc').limit(500).execute();
    return rows.map((x) => ({ ...toDevice(x), name: x.name, artifactKind: x.artifact_kind as ArtifactKind, artifactName: x.artifact_name }));
  }
}
