import { OutpostError } from '@outpost/contract';
import type { DriftReference, ModelSchema } from '@outpost/ml';
import type { Actor } from '@outpost/storage/hub/index';
import { writeAudit } from '@outpost/storage/hub/audit';
import type { ModelsDb, ModelTables } from './db.js';

// The audit log is the hub store's table; module tables share its database and transactions.
const audit = (trx: ModelsDb, actor: Actor, action: string, id: string, before: unknown, after: unknown, at: number) =>
  writeAudit(trx as unknown as Parameters<typeof writeAudit>[0], actor, action, 'model', id, before, after, at);

export const MODEL_TAGS = ['production', 'staging', 'experimental'] as const;
export type ModelTag = (typeof MODEL_TAGS)[number];

/** Metadata beyond the columns: what the uploader told us and what validation measured. */
export interface ModelMeta {
  filename: string | null;
  expectedLatencyMs: number | null;
  metrics: Record<string, number>;
  /** Metric names forming one input row in pipelines (gateway `model` nodes). */
  features: string[] | null;
  reference: DriftReference | null;
  testLatencyMs: number | null;
  conversion: string | null;
}

export interface RegistryVersion {
  name: string; version: number; format: string; framework: string; executable: boolean; description: string;
  sizeBytes: number; sha256: string; schema: ModelSchema | null; meta: ModelMeta; tags: string[];
  deprecated: { at: number; reason: string } | null; downloads: number; createdBy: string; createdAt: number;
  fileKey: string;
}

type Row = ModelTables['model_versions'];

const toVersion = (r: Row, tags: string[]): RegistryVersion => ({
  name: r.name, version: Number(r.version), format: r.format, framework: r.framework, executable: Number(r.executable) === 1,
  description: r.description, sizeBytes: Number(r.size_bytes), sha256: r.sha256, schema: JSON.parse(r.schema) as ModelSchema | null,
  meta: JSON.parse(r.meta) as ModelMeta, tags,
  deprecated: r.deprecated_at === null ? null : { at: Number(r.deprecated_at), reason: r.deprecation_reason ?? '' },
  downloads: Number(r.downloads), createdBy: r.created_by, createdAt: Number(r.created_at), fileKey: r.file_key,
});

export type NewVersion = Omit<RegistryVersion, 'version' | 'tags' | 'deprecated' | 'downloads' | 'fileKey'>;

const notFound = (name: string, what: string) => new OutpostError('ERR_HUB_NOT_FOUND', `model ${name} ${what} not found`);

/** Model versions, tags and download counts per organisation, in the hub store. */
export class RegistryRepo {
  constructor(private readonly db: ModelsDb) {}

  /** Stores the next version of `name`; `fileKey(version)` names the object the file was (or will be) written to. */
  async add(actor: Actor, v: NewVersion, fileKey: (version: number) => string): Promise<RegistryVersion> {
    const orgId = actor.orgId;
    return this.db.transaction().execute(async (trx) => {
      const top = await trx.selectFrom('model_versions').select((eb) => eb.fn.max('version').as('v')).where('org_id', '=', orgId).where('name', '=', v.name).executeTakeFirst();
      const version = Number(top?.v ?? 0) + 1;
      const row: Row = {
        org_id: orgId, name: v.name, version, format: v.format, framework: v.framework, executable: v.executable ? 1 : 0, description: v.description,
        file_key: fileKey(version), size_bytes: v.sizeBytes, sha256: v.sha256, schema: JSON.stringify(v.schema), meta: JSON.stringify(v.meta),
        deprecated_at: null, deprecation_reason: null, downloads: 0, created_by: v.createdBy, created_at: v.createdAt,
      };
      await trx.insertInto('model_versions').values(row).execute();
      await audit(trx, actor, 'model.upload', `${v.name}@${version}`, null, { format: v.format, sha256: v.sha256, size: v.sizeBytes }, v.createdAt);
      return toVersion(row, []);
    });
  }

  private async tagsOf(orgId: string, name: string): Promise<Map<number, string[]>> {
    const rows = await this.db.selectFrom('model_tags').selectAll().where('org_id', '=', orgId).where('name', '=', name).orderBy('tag').execute();
    const m = new Map<number, string[]>();
    for (const r of rows) m.set(Number(r.version), [...(m.get(Number(r.version)) ?? []), r.tag]);
    return m;
  }

  async versions(orgId: string, name: string): Promise<RegistryVersion[]> {
    const rows = await this.db.selectFrom('model_versions').selectAll().where('org_id', '=', orgId).where('name', '=', name).orderBy('version', 'desc').execute();
    if (rows.length === 0) throw notFound(name, '(no versions)');
    const tags = await this.tagsOf(orgId, name);
    return rows.map((r) => toVersion(r, tags.get(Number(r.version)) ?? []));
  }

  /** Every model name with its latest version and tags. */
  async list(orgId: string): Promise<{ name: string; latest: RegistryVersion; versions: number; tags: Record<string, number> }[]> {
    const rows = await this.db.selectFrom('model_versions').selectAll().where('org_id', '=', orgId).orderBy('name').orderBy('version', 'desc').execute();
    const tagRows = await this.db.selectFrom('model_tags').selectAll().where('org_id', '=', orgId).execute();
    const out: { name: string; latest: RegistryVersion; versions: number; tags: Record<string, number> }[] = [];
    for (const r of rows) {
      const last = out[out.length - 1];
      if (last && last.name === r.name) { last.versions++; continue; }
      const tags = Object.fromEntries(tagRows.filter((t) => t.name === r.name).map((t) => [t.tag, Number(t.version)]));
      out.push({ name: r.name, latest: toVersion(r, Object.keys(tags).filter((t) => tags[t] === Number(r.version))), versions: 1, tags });
    }
    return out;
  }

  async get(orgId: string, name: string, version: number): Promise<RegistryVersion> {
    const r = await this.db.selectFrom('model_versions').selectAll().where('org_id', '=', orgId).where('name', '=', name).where('version', '=', version).executeTakeFirst();
    if (!r) throw notFound(name, `version ${version}`);
    return toVersion(r, (await this.tagsOf(orgId, name)).get(version) ?? []);
  }

  /**
   * The version a caller means: a number, a tag, or (neither) the `production` tag when set,
   * else the newest executable version that is not deprecated.
   */
  async resolve(orgId: string, name: string, sel: { version?: number | undefined; tag?: string | undefined }): Promise<RegistryVersion> {
    if (sel.version !== undefined) return this.get(orgId, name, sel.version);
    const tag = sel.tag ?? 'production';
    const t = await this.db.selectFrom('model_tags').select('version').where('org_id', '=', orgId).where('name', '=', name).where('tag', '=', tag).executeTakeFirst();
    if (t) return this.get(orgId, name, Number(t.version));
    if (sel.tag !== undefined) throw notFound(name, `tag "${sel.tag}"`);
    const all = await this.versions(orgId, name);
    const pick = all.find((v) => v.executable && !v.deprecated);
    if (!pick) throw new OutpostError('ERR_MODEL_NOT_EXECUTABLE', `model ${name} has no executable version that is not deprecated (formats: ${[...new Set(all.map((v) => v.format))].join(', ')})`);
    return pick;
  }

  async setTag(actor: Actor, name: string, tag: ModelTag, version: number, at: number): Promise<void> {
    const orgId = actor.orgId;
    await this.get(orgId, name, version);
    await this.db.transaction().execute(async (trx) => {
      await audit(trx, actor, 'model.tag', name, null, { tag, version }, at);
      await trx.deleteFrom('model_tags').where('org_id', '=', orgId).where('name', '=', name).where('tag', '=', tag).execute();
      await trx.insertInto('model_tags').values({ org_id: orgId, name, tag, version, updated_at: at }).execute();
    });
  }

  async deprecate(actor: Actor, name: string, version: number, reason: string, at: number): Promise<RegistryVersion> {
    const orgId = actor.orgId;
    await this.get(orgId, name, version);
    await audit(this.db, actor, 'model.deprecate', `${name}@${version}`, null, { reason }, at);
    await this.db.updateTable('model_versions').set({ deprecated_at: at, deprecation_reason: reason }).where('org_id', '=', orgId).where('name', '=', name).where('version', '=', version).execute();
    return this.get(orgId, name, version);
  }

  async updateMeta(actor: Actor, name: string, version: number, patch: { description?: string | undefined; meta: ModelMeta }, at: number): Promise<RegistryVersion> {
    const orgId = actor.orgId;
    await audit(this.db, actor, 'model.update', `${name}@${version}`, null, { description: patch.description, features: patch.meta.features, reference: patch.meta.reference !== null }, at);
    await this.db.updateTable('model_versions').set({ meta: JSON.stringify(patch.meta), ...(patch.description !== undefined ? { description: patch.description } : {}) })
      .where('org_id', '=', orgId).where('name', '=', name).where('version', '=', version).execute();
    return this.get(orgId, name, version);
  }

  async countDownload(orgId: string, name: string, version: number): Promise<void> {
    await this.db.updateTable('model_versions').set((eb) => ({ downloads: eb('downloads', '+', 1) })).where('org_id', '=', orgId).where('name', '=', name).where('version', '=', version).execute();
  }
}
