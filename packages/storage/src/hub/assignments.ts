import type { Kysely } from 'kysely';
import { OutpostError } from '@outpost/contract';
import { writeAudit, type Actor } from './audit.js';
import type { HubTables } from './schema.js';
import { ConfigRepo, type ConfigTarget } from './configs.js';

export type ArtifactKind = 'pipeline' | 'rule' | 'processor' | 'model';
export type DeploymentStatus = 'pending' | 'deployed' | 'active' | 'failed';
export interface Assignment { id: string; orgId: string; targetKind: ConfigTarget; targetId: string; artifactKind: ArtifactKind; name: string; version: string; createdAt: number }
export interface Deployment { assignmentId: string; deviceId: string; status: DeploymentStatus; reason: string | null; updatedAt: number }

type Db = Kysely<HubTables>;
const toAssignment = (r: HubTables['assignments']): Assignment => ({
  id: r.id, orgId: r.org_id, targetKind: r.target_kind as ConfigTarget, targetId: r.target_id, artifactKind: r.artifact_kind as ArtifactKind, name: r.name, version: r.version, createdAt: r.created_at,
});

/**
 * Versions of pipelines, rules, processors (and later models) assigned to device types or devices.
 * One assignment per (target, kind, name): assigning another version re-points it (rollback is
 * re-pointing) and resets its deployments to pending. A device's assignment overrides its type's.
 */
export class AssignmentRepo {
  constructor(private readonly db: Db) {}

  async assign(actor: Actor, a: { id: string; targetKind: ConfigTarget; targetId: string; artifactKind: ArtifactKind; name: string; version: string }, at: number): Promise<Assignment> {
    try {
      return await this.db.transaction().execute(async (trx) => {
        const target = await trx.selectFrom(a.targetKind === 'device' ? 'devices' : 'device_types').select('id').where('org_id', '=', actor.orgId).where('id', '=', a.targetId).executeTakeFirst();
        if (!target) throw new OutpostError('ERR_HUB_NOT_FOUND', `${a.targetKind.replace('_', ' ')} ${a.targetId} not found`);
        const prior = await trx.selectFrom('assignments').selectAll().where('target_kind', '=', a.targetKind).where('target_id', '=', a.targetId)
          .where('artifact_kind', '=', a.artifactKind).where('name', '=', a.name).executeTakeFirst();
        const row = { id: prior?.id ?? a.id, org_id: actor.orgId, target_kind: a.targetKind, target_id: a.targetId, artifact_kind: a.artifactKind, name: a.name, version: a.version, created_at: at };
        if (prior) {
          await trx.updateTable('assignments').set({ version: a.version, created_at: at }).where('id', '=', prior.id).execute();
          await trx.deleteFrom('deployments').where('assignment_id', '=', prior.id).execute();
        } else {
          await trx.insertInto('assignments').values(row).execute();
        }
        const after = toAssignment(row);
        await writeAudit(trx, actor, prior ? 'repoint' : 'assign', 'assignment', row.id, prior ? toAssignment(prior) : null, after, at);
        return after;
      });
    } finally { ConfigRepo.generation++; }
  }

  async unassign(actor: Actor, id: string, at: number): Promise<void> {
    try {
      await this.db.transaction().execute(async (trx) => {
        const prior = await trx.selectFrom('assignments').selectAll().where('org_id', '=', actor.orgId).where('id', '=', id).executeTakeFirst();
        if (!prior) throw new OutpostError('ERR_HUB_NOT_FOUND', `assignment ${id} not found`);
        await trx.deleteFrom('deployments').where('assignment_id', '=', id).execute();
        await trx.deleteFrom('assignments').where('id', '=', id).execute();
        await writeAudit(trx, actor, 'unassign', 'assignment', id, toAssignment(prior), null, at);
      });
    } finally { ConfigRepo.generation++; }
  }

  async list(orgId: string, q: { targetKind?: ConfigTarget; targetId?: string }): Promise<Array<Assignment & { deployments: Deployment[] }>> {
    let s = this.db.selectFrom('assignments').selectAll().where('org_id', '=', orgId);
    if (q.targetKind !== undefined) s = s.where('target_kind', '=', q.targetKind);
    if (q.targetId !== undefined) s = s.where('target_id', '=', q.targetId);
    const rows = (await s.orderBy('created_at').orderBy('id').execute()).map(toAssignment);
    const deps = rows.length ? await this.db.selectFrom('deployments').selectAll().where('assignment_id', 'in', rows.map((r) => r.id)).execute() : [];
    return rows.map((a) => ({ ...a, deployments: deps.filter((d) => d.assignment_id === a.id).map(toDeployment) }));
  }

  /** What a device should run: its own assignments, then its type's for kinds/names it does not override. */
  async forDevice(orgId: string, deviceId: string): Promise<Array<Assignment & { status: DeploymentStatus; reason: string | null }>> {
    const d = await this.db.selectFrom('devices').select(['type_id']).where('org_id', '=', orgId).where('id', '=', deviceId).executeTakeFirst();
    if (!d) throw new OutpostError('ERR_HUB_NOT_FOUND', `device ${deviceId} not found`);
    const own = await this.list(orgId, { targetKind: 'device', targetId: deviceId });
    const typed = d.type_id === null ? [] : await this.list(orgId, { targetKind: 'device_type', targetId: d.type_id });
    const key = (a: Assignment) => `${a.artifactKind}\u0000${a.name}`;
    const mine = new Set(own.map(key));
    return [...own, ...typed.filter((a) => !mine.has(key(a)))].map(({ deployments, ...a }) => {
      const dep = deployments.find((x) => x.deviceId === deviceId);
      return { ...a, status: dep?.status ?? 'pending', reason: dep?.reason ?? null };
    });
  }

  /** A gateway's report; only assignments that apply to it are recorded, others are ignored. */
  async report(orgId: string, deviceId: string, reports: ReadonlyArray<{ assignmentId: string; status: Exclude<DeploymentStatus, 'pending'>; reason?: string | null }>, at: number): Promise<number> {
    if (reports.length === 0) return 0;
    const applicable = new Set((await this.forDevice(orgId, deviceId)).map((a) => a.id));
    const rows = reports.filter((r) => applicable.has(r.assignmentId))
      .map((r) => ({ assignment_id: r.assignmentId, device_id: deviceId, org_id: orgId, status: r.status, reason: r.status === 'failed' ? (r.reason ?? 'no reason given') : null, updated_at: at }));
    if (rows.length) {
      await this.db.insertInto('deployments').values(rows).onConflict((oc) => oc.columns(['assignment_id', 'device_id'])
        .doUpdateSet((eb) => ({ status: eb.ref('excluded.status'), reason: eb.ref('excluded.reason'), updated_at: eb.ref('excluded.updated_at') }))).execute();
    }
    return rows.length;
  }
}

const toDeployment = (r: HubTables['deployments']): Deployment => ({ assignmentId: r.assignment_id, deviceId: r.device_id, status: r.status as DeploymentStatus, reason: r.reason, updatedAt: r.updated_at });
