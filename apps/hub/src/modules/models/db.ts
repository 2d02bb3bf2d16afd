import { sql, type CreateTableBuilder, type Kysely } from 'kysely';
import type { HubStore } from '@outpost/storage/hub/index';
import { moduleDb } from '../training/db.js';

/** The tables the models module owns (created here, idempotently, at start-up, like the training module's). */
export interface ModelTables {
  model_versions: {
    org_id: string; name: string; version: number; format: string; framework: string; executable: number;
    description: string; file_key: string; size_bytes: number; sha256: string; schema: string; meta: string;
    deprecated_at: number | null; deprecation_reason: string | null; downloads: number; created_by: string; created_at: number;
  };
  model_tags: { org_id: string; name: string; tag: string; version: number; updated_at: number };
  /** Usage per model version, UTC day and source (`hub` or a device id), merged from reports. */
  model_usage: {
    org_id: string; name: string; version: string; day: number; source: string; count: number; errors: number;
    latency: string; drift_psi: number | null; drift_kl: number | null; drift_samples: number;
  };
  /** Predictions kept for ground truth (only when the caller sends ids with its inputs). */
  model_predictions: {
    org_id: string; name: string; id: string; version: number; prediction: number; score: number;
    label: number | null; at: number; labelled_at: number | null;
  };
  inference_jobs: {
    org_id: string; id: string; name: string; status: string; result: string | null; error: string | null;
    created_at: number; expires_at: number;
  };
  inference_key_limits: { org_id: string; key_id: string; per_minute: number };
}
export type ModelsDb = Kysely<ModelTables>;

export const modelsDb = (store: HubStore): ModelsDb => moduleDb(store) as unknown as ModelsDb;

const once = new WeakMap<object, Promise<void>>();

export function ensureModelTables(db: ModelsDb): Promise<void> {
  let p = once.get(db);
  if (!p) { p = create(db); once.set(db, p); }
  return p;
}

async function create(db: ModelsDb): Promise<void> {
  const double = sql`double precision`;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- the builder's column set grows per call
  const text = (t: CreateTableBuilder<string, any>, ...cols: string[]) => cols.reduce((x, c) => x.addColumn(c, 'text', (b) => b.notNull()), t);
  await text(db.schema.createTable('model_versions').ifNotExists(), 'org_id', 'name')
    .addColumn('version', 'integer', (c) => c.notNull())
    .addColumn('format', 'text', (c) => c.notNull()).addColumn('framework', 'text', (c) => c.notNull()).addColumn('executable', 'integer', (c) => c.notNull())
    .addColumn('description', 'text', (c) => c.notNull()).addColumn('file_key', 'text', (c) => c.notNull()).addColumn('size_bytes', 'bigint', (c) => c.notNull())
    .addColumn('sha256', 'text', (c) => c.notNull()).addColumn('schema', 'text', (c) => c.notNull()).addColumn('meta', 'text', (c) => c.notNull())
    .addColumn('deprecated_at', 'bigint').addColumn('deprecation_reason', 'text').addColumn('downloads', 'integer', (c) => c.notNull())
    .addColumn('created_by', 'text', (c) => c.notNull()).addColumn('created_at', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('model_versions_pk', ['org_id', 'name', 'version']).execute();
  await text(db.schema.createTable('model_tags').ifNotExists(), 'org_id', 'name', 'tag')
    .addColumn('version', 'integer', (c) => c.notNull()).addColumn('updated_at', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('model_tags_pk', ['org_id', 'name', 'tag']).execute();
  await text(db.schema.createTable('model_usage').ifNotExists(), 'org_id', 'name', 'version')
    .addColumn('day', 'bigint', (c) => c.notNull()).addColumn('source', 'text', (c) => c.notNull())
    .addColumn('count', 'bigint', (c) => c.notNull()).addColumn('errors', 'bigint', (c) => c.notNull()).addColumn('latency', 'text', (c) => c.notNull())
    .addColumn('drift_psi', double).addColumn('drift_kl', double).addColumn('drift_samples', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('model_usage_pk', ['org_id', 'name', 'version', 'day', 'source']).execute();
  await text(db.schema.createTable('model_predictions').ifNotExists(), 'org_id', 'name', 'id')
    .addColumn('version', 'integer', (c) => c.notNull()).addColumn('prediction', double, (c) => c.notNull()).addColumn('score', double, (c) => c.notNull())
    .addColumn('label', double).addColumn('at', 'bigint', (c) => c.notNull()).addColumn('labelled_at', 'bigint')
    .addPrimaryKeyConstraint('model_predictions_pk', ['org_id', 'name', 'id']).execute();
  await text(db.schema.createTable('inference_jobs').ifNotExists(), 'org_id', 'id', 'name', 'status')
    .addColumn('result', 'text').addColumn('error', 'text')
    .addColumn('created_at', 'bigint', (c) => c.notNull()).addColumn('expires_at', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('inference_jobs_pk', ['org_id', 'id']).execute();
  await text(db.schema.createTable('inference_key_limits').ifNotExists(), 'org_id', 'key_id')
    .addColumn('per_minute', 'integer', (c) => c.notNull())
    .addPrimaryKeyConstraint('inference_key_limits_pk', ['key_id']).execute();
}
