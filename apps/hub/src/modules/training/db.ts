import { sql, type Kysely } from 'kysely';
import type { HubStore } from '@outpost/storage/hub/index';

/** The tables the training and anomalies modules own (created here, idempotently, at start-up). */
export interface MlTables {
  ml_models: {
    org_id: string; name: string; version: number; kind: string; artifact: string; metrics: string;
    job_id: string | null; created_by: string; created_at: number;
  };
  ml_training_jobs: {
    id: string; org_id: string; name: string; kind: string; request: string; estimate: string; status: string;
    percent: number; stage: string; eta_seconds: number | null; error: string | null;
    model_version: number | null; created_by: string; created_at: number; updated_at: number;
    /** The hub process that runs (or will run) the job. */
    runner: string;
  };
  anomaly_scores: {
    org_id: string; device_id: string; metric: string; ts: number; score: number; label: string;
    explanation: string; model: string; created_at: number;
  };
  /** Deployed model versions the hub itself scores ingested points with (one row per model and target). */
  ml_live_scoring: {
    org_id: string; model: string; version: number; target_kind: string; target_id: string;
    /** JSON array of the metric names scored. */
    metrics: string; created_at: number;
  };
}
export type MlDb = Kysely<MlTables>;

/**
 * The hub store's Kysely handle. HubStore keeps it private and offers no hook for modules with
 * their own tables yet, so it is read here in one place; if the store's shape changes this fails
 * loudly at start-up rather than at the first request.
 */
export function moduleDb(store: HubStore): MlDb {
  const handle = (store as unknown as { handle?: { db?: unknown } }).handle;
  if (!handle || typeof handle.db !== 'object' || handle.db === null) {
    throw new Error('training/anomalies modules: HubStore no longer has a `handle.db` Kysely instance; expose one for module-owned tables');
  }
  return handle.db as MlDb;
}

const once = new WeakMap<object, Promise<void>>();

/** CREATE TABLE IF NOT EXISTS for both dialects (the same SQL types the hub's migrations use). */
export function ensureMlTables(db: MlDb): Promise<void> {
  let p = once.get(db);
  if (!p) {
    p = create(db);
    once.set(db, p);
  }
  return p;
}

async function create(db: MlDb): Promise<void> {
  const double = sql`double precision`;
  await db.schema.createTable('ml_models').ifNotExists()
    .addColumn('org_id', 'text', (c) => c.notNull()).addColumn('name', 'text', (c) => c.notNull()).addColumn('version', 'integer', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull()).addColumn('artifact', 'text', (c) => c.notNull()).addColumn('metrics', 'text', (c) => c.notNull())
    .addColumn('job_id', 'text').addColumn('created_by', 'text', (c) => c.notNull()).addColumn('created_at', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('ml_models_pk', ['org_id', 'name', 'version']).execute();
  await db.schema.createTable('ml_training_jobs').ifNotExists()
    .addColumn('id', 'text', (c) => c.primaryKey()).addColumn('org_id', 'text', (c) => c.notNull()).addColumn('name', 'text', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull()).addColumn('request', 'text', (c) => c.notNull()).addColumn('estimate', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull()).addColumn('percent', double, (c) => c.notNull()).addColumn('stage', 'text', (c) => c.notNull())
    .addColumn('eta_seconds', double).addColumn('error', 'text').addColumn('model_version', 'integer')
    .addColumn('created_by', 'text', (c) => c.notNull()).addColumn('created_at', 'bigint', (c) => c.notNull()).addColumn('updated_at', 'bigint', (c) => c.notNull())
    .addColumn('runner', 'text', (c) => c.notNull()).execute();
  await db.schema.createIndex('ml_training_jobs_org').ifNotExists().on('ml_training_jobs').columns(['org_id', 'created_at']).execute();
  await db.schema.createTable('anomaly_scores').ifNotExists()
    .addColumn('org_id', 'text', (c) => c.notNull()).addColumn('device_id', 'text', (c) => c.notNull()).addColumn('metric', 'text', (c) => c.notNull())
    .addColumn('ts', 'bigint', (c) => c.notNull()).addColumn('score', double, (c) => c.notNull()).addColumn('label', 'text', (c) => c.notNull())
    .addColumn('explanation', 'text', (c) => c.notNull()).addColumn('model', 'text', (c) => c.notNull()).addColumn('created_at', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('anomaly_scores_pk', ['org_id', 'device_id', 'metric', 'ts']).execute();
  await db.schema.createTable('ml_live_scoring').ifNotExists()
    .addColumn('org_id', 'text', (c) => c.notNull()).addColumn('model', 'text', (c) => c.notNull()).addColumn('version', 'integer', (c) => c.notNull())
    .addColumn('target_kind', 'text', (c) => c.notNull()).addColumn('target_id', 'text', (c) => c.notNull())
    .addColumn('metrics', 'text', (c) => c.notNull()).addColumn('created_at', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('ml_live_scoring_pk', ['org_id', 'model', 'target_kind', 'target_id']).execute();
  await db.schema.createIndex('anomaly_scores_org_ts').ifNotExists().on('anomaly_scores').columns(['org_id', 'ts']).execute();
}
