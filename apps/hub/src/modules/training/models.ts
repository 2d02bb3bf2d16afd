import { OutpostError } from '@outpost/contract';
import { parseArtifact, type ModelArtifact } from '@outpost/ml';
import type { MlDb, MlTables } from './db.js';

export interface ModelVersion {
  name: string; version: number; kind: string; metrics: Record<string, number>;
  jobId: string | null; createdBy: string; createdAt: number;
}

const toVersion = (r: MlTables['ml_models']): ModelVersion => ({
  name: r.name, version: Number(r.version), kind: r.kind, metrics: JSON.parse(r.metrics) as Record<string, number>,
  jobId: r.job_id, createdBy: r.created_by, createdAt: Number(r.created_at),
});

/**
 * Model versions per organisation and name: each stored artifact (trained by a job or uploaded)
 * gets the next version number. Artifacts are validated against the artifact schema first.
 */
export class ModelRepo {
  constructor(private readonly db: MlDb) {}

  /** Validates (ERR_ML_ARTIFACT_INVALID) and stores the artifact as the next version of `name`. */
  async add(orgId: string, name: string, artifactInput: unknown, by: { actor: string; jobId: string | null }, at: number): Promise<ModelVersion> {
    const artifact = parseArtifact(artifactInput);
    // Version numbers come from max+1 inside a transaction; the primary key rejects a concurrent twin.
    return this.db.transaction().execute(async (trx) => {
      const top = await trx.selectFrom('ml_models').select((eb) => eb.fn.max('version').as('v')).where('org_id', '=', orgId).where('name', '=', name).executeTakeFirst();
      const version = Number(top?.v ?? 0) + 1;
      const row = { org_id: orgId, name, version, kind: artifact.kind, artifact: JSON.stringify(artifact), metrics: JSON.stringify(artifact.metrics), job_id: by.jobId, created_by: by.actor, created_at: at };
      await trx.insertInto('ml_models').values(row).execute();
      return toVersion(row);
    });
  }

  async list(orgId: string, name?: string): Promise<ModelVersion[]> {
    let q = this.db.selectFrom('ml_models').selectAll().where('org_id', '=', orgId);
    if (name !== undefined) q = q.where('name', '=', name);
    return (await q.orderBy('name').orderBy('version', 'desc').execute()).map(toVersion);
  }

  async get(orgId: string, name: string, version: number): Promise<{ meta: ModelVersion; artifact: ModelArtifact }> {
    const r = await this.db.selectFrom('ml_models').selectAll().where('org_id', '=', orgId).where('name', '=', name).where('version', '=', version).executeTakeFirst();
    if (!r) throw new OutpostError('ERR_HUB_NOT_FOUND', `model ${name} version ${version} not found`);
    return { meta: toVersion(r), artifact: parseArtifact(r.artifact) };
  }
}
