import { createHash } from 'node:crypto';
import type { Kysely } from 'kysely';
import { OutpostError } from '@outpost/contract';
import { writeAudit, type Actor } from './audit.js';
import type { HubTables } from './schema.js';
import { isUniqueViolation } from './sql-errors.js';

/** One immutable saved version of a pipeline document (the document is stored as canonical JSON). */
export interface HubPipelineVersion {
  orgId: string; pipelineId: string; version: number;
  /** sha256 of the canonical JSON of the document. */
  hash: string;
  doc: Record<string, unknown>; note: string | null; createdBy: string; createdAt: number;
}

export interface HubPipelineSummary {
  id: string; latestVersion: number; versions: number; updatedAt: number;
  /** Version running on the hub's ingested data, null when none. */
  activeVersion: number | null; activatedAt: number | null;
}

export interface HubPipelineActivation { seq: number; version: number | null; reason: string; actor: string; at: number }

type Db = Kysely<HubTables>;

const toVersion = (r: HubTables['pipeline_versions']): HubPipelineVersion => ({
  orgId: r.org_id, pipelineId: r.pipeline_id, version: Number(r.version), hash: r.hash,
  doc: JSON.parse(r.doc) as Record<string, unknown>, note: r.note, createdBy: r.created_by, createdAt: Number(r.created_at),
});

const notFound = (pipelineId: string, version?: number) => new OutpostError('ERR_PIPELINE_VERSION',
  version === undefined ? `pipeline '${pipelineId}' not found` : `pipeline '${pipelineId}' has no version ${version}`, { pipelineId, ...(version !== undefined ? { version } : {}) });

/**
 * Saved pipeline documents per organisation: every save is an immutable numbered version (a
 * document equal to the latest version is not saved again); the activation history is
 * append-only and its last row says which version runs on the hub's ingested data, so rollback
 * is re-pointing. The caller compiles a document before saving it.
 */
export class PipelineRepo {
  constructor(private readonly db: Db) {}

  /** `json` is the document's canonical JSON (keys sorted: the engine's `canonicalJson`), so equal documents hash equally. */
  async save(actor: Actor, pipelineId: string, json: string, note: string | null, at: number): Promise<{ version: HubPipelineVersion; created: boolean }> {
    const hash = createHash('sha256').update(json).digest('hex');
    try {
      return await this.db.transaction().execute(async (trx) => {
        const latest = await new PipelineRepo(trx).latest(actor.orgId, pipelineId);
        if (latest && latest.hash === hash) return { version: latest, created: false };
        const row = {
          org_id: actor.orgId, pipeline_id: pipelineId, version: (latest?.version ?? 0) + 1, hash, doc: json, note, created_by: actor.id, created_at: at,
        };
        await trx.insertInto('pipeline_versions').values(row).execute();
        await writeAudit(trx, actor, 'create', 'pipeline', pipelineId, latest ? { version: latest.version } : null, { version: row.version, hash, note }, at);
        return { version: toVersion(row), created: true };
      });
    } catch (e) {
      // Two saves of one pipeline at once both chose the next number; the loser retries as a conflict.
      if (isUniqueViolation(e)) throw new OutpostError('ERR_HUB_CONFLICT', `pipeline '${pipelineId}' was saved concurrently by another request; retry`, { pipelineId });
      throw e;
    }
  }

  async latest(orgId: string, pipelineId: string): Promise<HubPipelineVersion | undefined> {
    const r = await this.db.selectFrom('pipeline_versions').selectAll().where('org_id', '=', orgId).where('pipeline_id', '=', pipelineId)
      .orderBy('version', 'desc').limit(1).executeTakeFirst();
    return r && toVersion(r);
  }

  /** One version; `ERR_PIPELINE_VERSION` (404) when it does not exist in this organisation. */
  async get(orgId: string, pipelineId: string, version: number): Promise<HubPipelineVersion> {
    const r = await this.db.selectFrom('pipeline_versions').selectAll().where('org_id', '=', orgId).where('pipeline_id', '=', pipelineId)
      .where('version', '=', version).executeTakeFirst();
    if (!r) throw notFound(pipelineId, version);
    return toVersion(r);
  }

  /** Every version, oldest first; `ERR_PIPELINE_VERSION` when the pipeline has none. */
  async versions(orgId: string, pipelineId: string): Promise<HubPipelineVersion[]> {
    const rows = await this.db.selectFrom('pipeline_versions').selectAll().where('org_id', '=', orgId).where('pipeline_id', '=', pipelineId).orderBy('version').execute();
    if (rows.length === 0) throw notFound(pipelineId);
    return rows.map(toVersion);
  }

  async list(orgId: string): Promise<HubPipelineSummary[]> {
    const rows = await this.db.selectFrom('pipeline_versions')
      .select((eb) => ['pipeline_id', eb.fn.max('version').as('latest'), eb.fn.count('version').as('n'), eb.fn.max('created_at').as('updated')])
      .where('org_id', '=', orgId).groupBy('pipeline_id').orderBy('pipeline_id').execute();
    const active = await this.activeRows(orgId);
    return rows.map((r) => {
      const a = active.get(r.pipeline_id);
      return { id: r.pipeline_id, latestVersion: Number(r.latest), versions: Number(r.n), updatedAt: Number(r.updated), activeVersion: a?.version ?? null, activatedAt: a?.at ?? null };
    });
  }

  /** Append an activation (`version` null = stopped); the version must exist. */
  async activate(actor: Actor, pipelineId: string, version: number | null, reason: string, at: number): Promise<HubPipelineActivation> {
    return this.db.transaction().execute(async (trx) => {
      const repo = new PipelineRepo(trx);
      if (version !== null) await repo.get(actor.orgId, pipelineId, version);
      else await repo.versions(actor.orgId, pipelineId);
      const before = (await repo.history(actor.orgId, pipelineId))[0]?.version ?? null;
      const r = await trx.insertInto('pipeline_activations').values({ org_id: actor.orgId, pipeline_id: pipelineId, version, reason, actor: actor.id, at })
        .returning('seq').executeTakeFirstOrThrow();
      await writeAudit(trx, actor, version === null ? 'deactivate' : 'activate', 'pipeline', pipelineId, { activeVersion: before }, { activeVersion: version, reason }, at);
      return { seq: Number(r.seq), version, reason, actor: actor.id, at };
    });
  }

  /** Activations of one pipeline, newest first. */
  async history(orgId: string, pipelineId: string): Promise<HubPipelineActivation[]> {
    const rows = await this.db.selectFrom('pipeline_activations').selectAll().where('org_id', '=', orgId).where('pipeline_id', '=', pipelineId).orderBy('seq', 'desc').execute();
    return rows.map((r) => ({ seq: Number(r.seq), version: r.version === null ? null : Number(r.version), reason: r.reason, actor: r.actor, at: Number(r.at) }));
  }

  /** The version a rollback goes to: the last one active before the current one, preferring older versions. */
  async previousVersion(orgId: string, pipelineId: string): Promise<number | undefined> {
    const rows = await this.history(orgId, pipelineId);
    const current = rows[0]?.version ?? null;
    const before = rows.filter((r) => r.version !== null && r.version !== current).map((r) => r.version!);
    return before.find((v) => current === null || v < current) ?? before[0];
  }

  /** Every organisation's running versions (what the hub starts at boot). */
  async allActive(): Promise<HubPipelineVersion[]> {
    const latest = await this.db.selectFrom('pipeline_activations').select((eb) => ['org_id', 'pipeline_id', eb.fn.max('seq').as('seq')]).groupBy(['org_id', 'pipeline_id']).execute();
    if (latest.length === 0) return [];
    const rows = await this.db.selectFrom('pipeline_activations').selectAll().where('seq', 'in', latest.map((l) => Number(l.seq))).where('version', 'is not', null).execute();
    const out: HubPipelineVersion[] = [];
    for (const r of rows) out.push(await this.get(r.org_id, r.pipeline_id, Number(r.version)));
    return out;
  }

  private async activeRows(orgId: string): Promise<Map<string, { version: number | null; at: number }>> {
    const rows = await this.db.selectFrom('pipeline_activations').selectAll().where('org_id', '=', orgId).orderBy('seq').execute();
    return new Map(rows.map((r) => [r.pipeline_id, { version: r.version === null ? null : Number(r.version), at: Number(r.at) }]));
  }
}
