import { createHash } from 'node:crypto';
import { OutpostError } from '@outpost/contract';
import { canonicalJson, type PipelineDocument } from '@outpost/engine';
import type { GatewayStore } from '@outpost/storage';

export interface StoredVersion {
  pipelineId: string;
  version: number;
  /** sha256 of the canonical JSON of the document. */
  hash: string;
  createdAt: number;
  note?: string;
  doc: PipelineDocument;
}

export interface PipelineSummary {
  id: string;
  latestVersion: number;
  /** Active version, or null when deactivated / never activated. */
  activeVersion: number | null;
  activatedAt: number | null;
}

interface VersionRow { pipeline_id: string; version: number; hash: string; created: number; note: string | null; doc: string }

/**
 * The gateway's pipeline versions in SQLite (migration 4): every save is a new immutable
 * numbered version; activations are an append-only history whose last row per pipeline is the
 * active version, so a rollback is "activate the version active before this one".
 */
export class PipelineVersionStore {
  constructor(private readonly store: GatewayStore, private readonly now: () => number) {}

  private get db() { return this.store.db; }

  /**
   * Save a new version; a document identical to the latest version (or, with `matchAny`, to any
   * version — used for config files, so an unchanged file is not a new version) is not saved again.
   */
  save(doc: PipelineDocument, note?: string, matchAny = false): { version: StoredVersion; created: boolean } {
    const json = canonicalJson(doc);
    const hash = createHash('sha256').update(json).digest('hex');
    return this.db.transaction(() => {
      const latest = this.latest(doc.id);
      if (latest && latest.hash === hash) return { version: latest, created: false };
      const same = matchAny ? this.db.prepare('SELECT * FROM pipeline_versions WHERE pipeline_id = ? AND hash = ? ORDER BY version DESC LIMIT 1').get(doc.id, hash) as VersionRow | undefined : undefined;
      if (same) return { version: toVersion(same), created: false };
      const version = (latest?.version ?? 0) + 1;
      const createdAt = this.now();
      this.db.prepare('INSERT INTO pipeline_versions (pipeline_id, version, hash, created, note, doc) VALUES (?, ?, ?, ?, ?, ?)').run(doc.id, version, hash, createdAt, note ?? null, json);
      return { version: this.get(doc.id, version), created: true };
    })();
  }

  get(pipelineId: string, version: number): StoredVersion {
    const r = this.db.prepare('SELECT * FROM pipeline_versions WHERE pipeline_id = ? AND version = ?').get(pipelineId, version) as VersionRow | undefined;
    if (!r) throw new OutpostError('ERR_PIPELINE_VERSION', `pipeline '${pipelineId}' has no version ${version}`, { pipelineId, version });
    return toVersion(r);
  }

  latest(pipelineId: string): StoredVersion | undefined {
    const r = this.db.prepare('SELECT * FROM pipeline_versions WHERE pipeline_id = ? ORDER BY version DESC LIMIT 1').get(pipelineId) as VersionRow | undefined;
    return r ? toVersion(r) : undefined;
  }

  versions(pipelineId: string): StoredVersion[] {
    const rows = this.db.prepare('SELECT * FROM pipeline_versions WHERE pipeline_id = ? ORDER BY version').all(pipelineId) as VersionRow[];
    if (rows.length === 0) throw new OutpostError('ERR_PIPELINE_VERSION', `no pipeline '${pipelineId}'`, { pipelineId });
    return rows.map(toVersion);
  }

  list(): PipelineSummary[] {
    const rows = this.db.prepare(`
      SELECT v.pipeline_id AS id, MAX(v.version) AS latest,
        (SELECT a.version FROM pipeline_activations a WHERE a.pipeline_id = v.pipeline_id ORDER BY a.id DESC LIMIT 1) AS active,
        (SELECT a.at FROM pipeline_activations a WHERE a.pipeline_id = v.pipeline_id ORDER BY a.id DESC LIMIT 1) AS at
      FROM pipeline_versions v GROUP BY v.pipeline_id ORDER BY v.pipeline_id`).all() as Array<{ id: string; latest: number; active: number | null; at: number | null }>;
    return rows.map((r) => ({ id: r.id, latestVersion: r.latest, activeVersion: r.active, activatedAt: r.at }));
  }

  /** The active version of each pipeline that has one. */
  active(): StoredVersion[] {
    return this.list().filter((p) => p.activeVersion !== null).map((p) => this.get(p.id, p.activeVersion!));
  }

  activeVersion(pipelineId: string): number | null {
    const r = this.db.prepare('SELECT version FROM pipeline_activations WHERE pipeline_id = ? ORDER BY id DESC LIMIT 1').get(pipelineId) as { version: number | null } | undefined;
    return r?.version ?? null;
  }

  /** Record an activation (version null = deactivated). */
  recordActivation(pipelineId: string, version: number | null, reason: string): void {
    this.db.prepare('INSERT INTO pipeline_activations (pipeline_id, version, at, reason) VALUES (?, ?, ?, ?)').run(pipelineId, version, this.now(), reason);
  }

  /** The version a rollback goes to: the last one activated before the current one, preferring older versions. */
  previousVersion(pipelineId: string): number | undefined {
    const rows = this.db.prepare('SELECT version FROM pipeline_activations WHERE pipeline_id = ? ORDER BY id DESC').all(pipelineId) as Array<{ version: number | null }>;
    const current = rows[0]?.version ?? null;
    // Prefer an older version (so repeated rollbacks walk back), else whatever ran before.
    const before = rows.filter((r) => r.version !== null && r.version !== current).map((r) => r.version!);
    return before.find((v) => current === null || v < current) ?? before[0];
  }
}

function toVersion(r: VersionRow): StoredVersion {
  const v: StoredVersion = { pipelineId: r.pipeline_id, version: r.version, hash: r.hash, createdAt: r.created, doc: JSON.parse(r.doc) as PipelineDocument };
  if (r.note !== null) v.note = r.note;
  return v;
}
