import type { Kysely } from 'kysely';
import type { HubTables } from './schema.js';

/** What a live pipeline on the hub handed a sink: a `store` node's rows, an `alert` event, or a failed point (`error`). */
export type PipelineOutputKind = 'store' | 'alert' | 'error';
export interface PipelineOutput { seq: number; pipelineId: string; nodeId: string; kind: PipelineOutputKind; table: string | null; at: number; body: unknown }
export interface PipelineOutputInput { pipelineId: string; nodeId: string; kind: PipelineOutputKind; table: string | null; body: unknown }

/** Rows per INSERT (7 columns: well under both dialects' parameter limits). */
const CHUNK = 500;

/** Outputs of the hub's live pipelines, per organisation, newest readable first; trimmed by age. */
export class PipelineOutputRepo {
  constructor(private readonly db: Kysely<HubTables>) {}

  async write(orgId: string, rows: readonly PipelineOutputInput[], at: number): Promise<void> {
    for (let i = 0; i < rows.length; i += CHUNK) {
      await this.db.insertInto('pipeline_outputs').values(rows.slice(i, i + CHUNK).map((r) => ({
        org_id: orgId, pipeline_id: r.pipelineId, node_id: r.nodeId, kind: r.kind, tbl: r.table, at, body: JSON.stringify(r.body),
      }))).execute();
    }
  }

  async list(orgId: string, q: { pipelineId?: string; kind?: PipelineOutputKind; table?: string; limit: number }): Promise<PipelineOutput[]> {
    let s = this.db.selectFrom('pipeline_outputs').selectAll().where('org_id', '=', orgId);
    if (q.pipelineId !== undefined) s = s.where('pipeline_id', '=', q.pipelineId);
    if (q.kind !== undefined) s = s.where('kind', '=', q.kind);
    if (q.table !== undefined) s = s.where('tbl', '=', q.table);
    const rows = await s.orderBy('seq', 'desc').limit(q.limit).execute();
    return rows.map((r) => ({
      seq: Number(r.seq), pipelineId: r.pipeline_id, nodeId: r.node_id, kind: r.kind as PipelineOutputKind, table: r.tbl, at: Number(r.at), body: JSON.parse(r.body) as unknown,
    }));
  }

  /** Delete up to `limit` rows older than `before` (a bounded step of a retention loop); returns how many. */
  async trim(before: number, limit: number): Promise<number> {
    const old = await this.db.selectFrom('pipeline_outputs').select('seq').where('at', '<', before).orderBy('seq').limit(limit).execute();
    if (old.length === 0) return 0;
    await this.db.deleteFrom('pipeline_outputs').where('seq', 'in', old.map((r) => r.seq)).execute();
    return old.length;
  }
}
