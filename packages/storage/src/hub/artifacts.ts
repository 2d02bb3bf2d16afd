import type { Kysely } from 'kysely';
import { OutpostError, type ErrorCode } from '@outpost/contract';
import type { ArtifactKind, ArtifactRef } from '@outpost/contract/artifacts';
import { writeAudit, type Actor } from './audit.js';
import type { HubTables } from './schema.js';
import { isUniqueViolation } from './sql-errors.js';

export interface ArtifactVersion extends ArtifactRef {
  orgId: string;
  objectKey: string;
  /** Free-form description from the uploader (notes, target platform, health check hints). */
  meta: Record<string, unknown>;
  createdBy: string;
  createdAt: number;
}

type Db = Kysely<HubTables>;
type Row = HubTables['artifacts'];
const toArtifact = (r: Row): ArtifactVersion => ({
  orgId: r.org_id, kind: r.kind as ArtifactKind, name: r.name, version: r.version, sha256: r.sha256, size: r.size,
  objectKey: r.object_key, signature: r.signature, keyId: r.key_id, meta: JSON.parse(r.meta) as Record<string, unknown>,
  createdBy: r.created_by, createdAt: r.created_at,
});

/** Immutable artifact versions: a version, once stored, never changes (a new upload gets ERR_ARTIFACT_EXISTS). */
export class ArtifactRepo {
  constructor(private readonly db: Db) {}

  async create(actor: Actor, a: Omit<ArtifactVersion, 'orgId' | 'createdBy' | 'createdAt'>, at: number): Promise<ArtifactVersion> {
    const row: Row = {
      org_id: actor.orgId, kind: a.kind, name: a.name, version: a.version, sha256: a.sha256, size: a.size, object_key: a.objectKey,
      signature: a.signature, key_id: a.keyId, meta: JSON.stringify(a.meta), created_by: actor.id, created_at: at,
    };
    try {
      await this.db.transaction().execute(async (trx) => {
        await trx.insertInto('artifacts').values(row).execute();
        await writeAudit(trx, actor, 'upload', 'artifact', `${a.kind}/${a.name}@${a.version}`, null, { sha256: a.sha256, size: a.size }, at);
      });
    } catch (e) {
      if (isUniqueViolation(e)) throw new OutpostError('ERR_ARTIFACT_EXISTS', `${a.kind} ${a.name}@${a.version} already exists (sha256 of the stored one differs or not, versions are immutable); upload it as a new version`);
      throw e;
    }
    return toArtifact(row);
  }

  async get(orgId: string, kind: string, name: string, version: string, code: ErrorCode = 'ERR_ARTIFACT_NOT_FOUND'): Promise<ArtifactVersion> {
    const r = await this.db.selectFrom('artifacts').selectAll().where('org_id', '=', orgId).where('kind', '=', kind)
      .where('name', '=', name).where('version', '=', version).executeTakeFirst();
    if (!r) throw new OutpostError(code, `${kind} ${name}@${version} is not an uploaded artifact`);
    return toArtifact(r);
  }

  async list(orgId: string, q: { kind?: string; name?: string; limit?: number }): Promise<ArtifactVersion[]> {
    let s = this.db.selectFrom('artifacts').selectAll().where('org_id', '=', orgId);
    if (q.kind !== undefined) s = s.where('kind', '=', q.kind);
    if (q.name !== undefined) s = s.where('name', '=', q.name);
    return (await s.orderBy('created_at', 'desc').orderBy('version', 'desc').limit(q.limit ?? 1000).execute()).map(toArtifact);
  }
}
