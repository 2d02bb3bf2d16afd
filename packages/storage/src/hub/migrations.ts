import { Migrator, sql, type Kysely, type Migration, type MigrationProvider } from 'kysely';
import type { HubDialect } from './open.js';
import { alertsMigration } from './alerts.js';
import { processorsMigration } from './processors.js';
import { pipelineExportsMigration } from './pipeline-exports.js';

/**
 * The hub's migrations, written once with Kysely's schema builder so SQLite and PostgreSQL get
 * the same tables. Only auto-increment differs per dialect. Append new migrations; never edit
 * a released one.
 */
function migrations(dialect: HubDialect): Record<string, Migration> {
  const double = sql`double precision`;
  return {
    '0001_tenancy': {
      async up(db: Kysely<any>) {
        await db.schema.createTable('hub_settings').addColumn('key', 'text', (c) => c.primaryKey()).addColumn('value', 'text', (c) => c.notNull()).execute();
        await db.schema.createTable('orgs').addColumn('id', 'text', (c) => c.primaryKey()).addColumn('name', 'text', (c) => c.notNull().unique())
          .addColumn('created_at', 'bigint', (c) => c.notNull()).execute();
        await db.schema.createTable('users').addColumn('id', 'text', (c) => c.primaryKey()).addColumn('org_id', 'text', (c) => c.notNull().references('orgs.id'))
          .addColumn('email', 'text', (c) => c.notNull().unique()).addColumn('password_hash', 'text', (c) => c.notNull())
          .addColumn('role', 'text', (c) => c.notNull()).addColumn('created_at', 'bigint', (c) => c.notNull()).execute();
        await db.schema.createTable('sessions').addColumn('token_hash', 'text', (c) => c.primaryKey()).addColumn('user_id', 'text', (c) => c.notNull().references('users.id'))
          .addColumn('expires_at', 'bigint', (c) => c.notNull()).addColumn('created_at', 'bigint', (c) => c.notNull()).execute();
        await db.schema.createTable('api_keys').addColumn('id', 'text', (c) => c.primaryKey()).addColumn('org_id', 'text', (c) => c.notNull().references('orgs.id'))
          .addColumn('name', 'text', (c) => c.notNull()).addColumn('prefix', 'text', (c) => c.notNull().unique()).addColumn('secret_hash', 'text', (c) => c.notNull())
          .addColumn('scopes', 'text', (c) => c.notNull()).addColumn('created_by', 'text', (c) => c.notNull()).addColumn('created_at', 'bigint', (c) => c.notNull())
          .addColumn('revoked_at', 'bigint').addColumn('last_used_at', 'bigint').addColumn('expires_at', 'bigint').execute();
        let audit = db.schema.createTable('audit_log');
        audit = dialect === 'postgres'
          ? audit.addColumn('seq', 'bigserial', (c) => c.primaryKey())
          : audit.addColumn('seq', 'integer', (c) => c.primaryKey().autoIncrement());
        await audit.addColumn('org_id', 'text', (c) => c.notNull()).addColumn('actor', 'text', (c) => c.notNull()).addColumn('action', 'text', (c) => c.notNull())
          .addColumn('entity', 'text', (c) => c.notNull()).addColumn('entity_id', 'text', (c) => c.notNull())
          .addColumn('before', 'text').addColumn('after', 'text').addColumn('at', 'bigint', (c) => c.notNull()).execute();
        await db.schema.createIndex('audit_org_at').on('audit_log').columns(['org_id', 'at']).execute();
      },
    },
    '0002_fleet': {
      async up(db: Kysely<any>) {
        await db.schema.createTable('device_types').addColumn('id', 'text', (c) => c.primaryKey()).addColumn('org_id', 'text', (c) => c.notNull().references('orgs.id'))
          .addColumn('name', 'text', (c) => c.notNull()).addColumn('metrics', 'text', (c) => c.notNull()).addColumn('config_version', 'integer')
          .addColumn('created_at', 'bigint', (c) => c.notNull()).addUniqueConstraint('device_types_org_name', ['org_id', 'name']).execute();
        await db.schema.createTable('registration_tokens').addColumn('id', 'text', (c) => c.primaryKey()).addColumn('org_id', 'text', (c) => c.notNull().references('orgs.id'))
          .addColumn('prefix', 'text', (c) => c.notNull().unique()).addColumn('secret_hash', 'text', (c) => c.notNull()).addColumn('device_type_id', 'text')
          .addColumn('expires_at', 'bigint', (c) => c.notNull()).addColumn('used_at', 'bigint').addColumn('used_by_device', 'text')
          .addColumn('created_by', 'text', (c) => c.notNull()).addColumn('created_at', 'bigint', (c) => c.notNull()).execute();
        await db.schema.createTable('devices').addColumn('id', 'text', (c) => c.primaryKey()).addColumn('org_id', 'text', (c) => c.notNull().references('orgs.id'))
          .addColumn('hardware_id', 'text', (c) => c.notNull()).addColumn('name', 'text', (c) => c.notNull()).addColumn('type_id', 'text')
          .addColumn('location', 'text').addColumn('metadata', 'text', (c) => c.notNull()).addColumn('state', 'text', (c) => c.notNull())
          .addColumn('credential_prefix', 'text', (c) => c.notNull().unique()).addColumn('credential_hash', 'text', (c) => c.notNull())
          .addColumn('config_version', 'integer').addColumn('last_seen_at', 'bigint').addColumn('last_heartbeat', 'text')
          .addColumn('applied_config', 'text').addColumn('config_error', 'text')
          .addColumn('created_at', 'bigint', (c) => c.notNull()).addColumn('updated_at', 'bigint', (c) => c.notNull())
          .addUniqueConstraint('devices_org_hw', ['org_id', 'hardware_id']).execute();
        await db.schema.createIndex('devices_org_name').on('devices').columns(['org_id', 'name']).execute();
        await db.schema.createTable('device_labels').addColumn('device_id', 'text', (c) => c.notNull().references('devices.id'))
          .addColumn('org_id', 'text', (c) => c.notNull()).addColumn('kind', 'text', (c) => c.notNull()).addColumn('value', 'text', (c) => c.notNull())
          .addPrimaryKeyConstraint('device_labels_pk', ['device_id', 'kind', 'value']).execute();
        await db.schema.createIndex('device_labels_lookup').on('device_labels').columns(['org_id', 'kind', 'value']).execute();
        await db.schema.createTable('heartbeats').addColumn('device_id', 'text', (c) => c.notNull()).addColumn('org_id', 'text', (c) => c.notNull())
          .addColumn('at', 'bigint', (c) => c.notNull()).addColumn('status', 'text', (c) => c.notNull()).addColumn('body', 'text', (c) => c.notNull()).execute();
        await db.schema.createIndex('heartbeats_device_at').on('heartbeats').columns(['device_id', 'at']).execute();
        await db.schema.createTable('device_logs').addColumn('device_id', 'text', (c) => c.notNull()).addColumn('org_id', 'text', (c) => c.notNull())
          .addColumn('at', 'bigint', (c) => c.notNull()).addColumn('level', 'text', (c) => c.notNull()).addColumn('msg', 'text', (c) => c.notNull()).execute();
        await db.schema.createIndex('device_logs_device_at').on('device_logs').columns(['device_id', 'at']).execute();
        await db.schema.createTable('configs').addColumn('org_id', 'text', (c) => c.notNull()).addColumn('target_kind', 'text', (c) => c.notNull())
          .addColumn('target_id', 'text', (c) => c.notNull()).addColumn('version', 'integer', (c) => c.notNull()).addColumn('body', 'text', (c) => c.notNull())
          .addColumn('created_by', 'text', (c) => c.notNull()).addColumn('created_at', 'bigint', (c) => c.notNull()).addColumn('note', 'text')
          .addPrimaryKeyConstraint('configs_pk', ['target_kind', 'target_id', 'version']).execute();
        await db.schema.createTable('assignments').addColumn('id', 'text', (c) => c.primaryKey()).addColumn('org_id', 'text', (c) => c.notNull())
          .addColumn('target_kind', 'text', (c) => c.notNull()).addColumn('target_id', 'text', (c) => c.notNull())
          .addColumn('artifact_kind', 'text', (c) => c.notNull()).addColumn('name', 'text', (c) => c.notNull()).addColumn('version', 'text', (c) => c.notNull())
          .addColumn('created_at', 'bigint', (c) => c.notNull())
          .addUniqueConstraint('assignments_target_artifact', ['target_kind', 'target_id', 'artifact_kind', 'name']).execute();
        await db.schema.createTable('deployments').addColumn('assignment_id', 'text', (c) => c.notNull()).addColumn('device_id', 'text', (c) => c.notNull())
          .addColumn('org_id', 'text', (c) => c.notNull()).addColumn('status', 'text', (c) => c.notNull()).addColumn('reason', 'text')
          .addColumn('updated_at', 'bigint', (c) => c.notNull()).addPrimaryKeyConstraint('deployments_pk', ['assignment_id', 'device_id']).execute();
      },
    },
    '0003_timeseries': {
      async up(db: Kysely<any>) {
        await db.schema.createTable('ingest_batches').addColumn('id', 'text', (c) => c.primaryKey()).addColumn('org_id', 'text', (c) => c.notNull())
          .addColumn('source', 'text', (c) => c.notNull()).addColumn('status', 'text', (c) => c.notNull())
          .addColumn('points', 'integer', (c) => c.notNull()).addColumn('stored', 'integer', (c) => c.notNull())
          .addColumn('error', 'text').addColumn('archive_key', 'text').addColumn('received_at', 'bigint', (c) => c.notNull()).addColumn('done_at', 'bigint').execute();
        await db.schema.createTable('points').addColumn('org_id', 'text', (c) => c.notNull()).addColumn('device_id', 'text', (c) => c.notNull())
          .addColumn('metric', 'text', (c) => c.notNull()).addColumn('ts', 'bigint', (c) => c.notNull()).addColumn('value', double).addColumn('unit', 'text')
          .addPrimaryKeyConstraint('points_pk', ['device_id', 'metric', 'ts']).execute();
        await db.schema.createTable('rollups_1m').addColumn('org_id', 'text', (c) => c.notNull()).addColumn('device_id', 'text', (c) => c.notNull())
          .addColumn('metric', 'text', (c) => c.notNull()).addColumn('bucket', 'bigint', (c) => c.notNull())
          .addColumn('count', 'bigint', (c) => c.notNull()).addColumn('sum', double, (c) => c.notNull())
          .addColumn('min', double, (c) => c.notNull()).addColumn('max', double, (c) => c.notNull())
          .addPrimaryKeyConstraint('rollups_1m_pk', ['device_id', 'metric', 'bucket']).execute();
      },
    },
    '0004_device_status': {
      async up(db: Kysely<any>) {
        await db.schema.alterTable('devices').addColumn('last_status', 'text').execute();
      },
    },
    '0005_uplink': {
      async up(db: Kysely<any>) {
        // Non-numeric point values (strings, from the uplink) keep their text; numbers stay in `value`.
        await db.schema.alterTable('points').addColumn('text_value', 'text').execute();
        await db.schema.createTable('uplink_batches').addColumn('gateway', 'text', (c) => c.notNull()).addColumn('stream', 'text', (c) => c.notNull())
          .addColumn('seq', 'bigint', (c) => c.notNull()).addColumn('org_id', 'text', (c) => c.notNull()).addColumn('sha256', 'text', (c) => c.notNull())
          .addColumn('received_at', 'bigint', (c) => c.notNull()).addColumn('points', 'integer', (c) => c.notNull()).addColumn('items', 'integer', (c) => c.notNull())
          .addPrimaryKeyConstraint('uplink_batches_pk', ['gateway', 'stream', 'seq']).execute();
        await db.schema.createTable('uplink_items').addColumn('gateway', 'text', (c) => c.notNull()).addColumn('stream', 'text', (c) => c.notNull())
          .addColumn('seq', 'bigint', (c) => c.notNull()).addColumn('item_id', 'bigint', (c) => c.notNull()).addColumn('org_id', 'text', (c) => c.notNull())
          .addColumn('class', 'text', (c) => c.notNull()).addColumn('kind', 'text', (c) => c.notNull()).addColumn('created_at', 'bigint', (c) => c.notNull())
          .addColumn('body', 'text', (c) => c.notNull())
          .addPrimaryKeyConstraint('uplink_items_pk', ['gateway', 'stream', 'seq', 'item_id']).execute();
      },
    },
    '0006_artifacts_rollouts': {
      async up(db: Kysely<any>) {
        // Immutable artifact versions (content lives in the object store) and the deployments that roll them out.
        await db.schema.createTable('artifacts').addColumn('org_id', 'text', (c) => c.notNull()).addColumn('kind', 'text', (c) => c.notNull())
          .addColumn('name', 'text', (c) => c.notNull()).addColumn('version', 'text', (c) => c.notNull())
          .addColumn('sha256', 'text', (c) => c.notNull()).addColumn('size', 'bigint', (c) => c.notNull()).addColumn('object_key', 'text', (c) => c.notNull())
          .addColumn('signature', 'text', (c) => c.notNull()).addColumn('key_id', 'text', (c) => c.notNull()).addColumn('meta', 'text', (c) => c.notNull())
          .addColumn('created_by', 'text', (c) => c.notNull()).addColumn('created_at', 'bigint', (c) => c.notNull())
          .addPrimaryKeyConstraint('artifacts_pk', ['org_id', 'kind', 'name', 'version']).execute();
        await db.schema.createTable('rollouts').addColumn('id', 'text', (c) => c.primaryKey()).addColumn('org_id', 'text', (c) => c.notNull())
          .addColumn('name', 'text', (c) => c.notNull()).addColumn('artifact_kind', 'text', (c) => c.notNull()).addColumn('artifact_name', 'text', (c) => c.notNull())
          .addColumn('version', 'text', (c) => c.notNull()).addColumn('version_b', 'text')
          .addColumn('target', 'text', (c) => c.notNull()).addColumn('strategy', 'text', (c) => c.notNull()).addColumn('gates', 'text', (c) => c.notNull())
          .addColumn('on_gate', 'text', (c) => c.notNull()).addColumn('device_timeout_s', 'integer', (c) => c.notNull()).addColumn('health_s', 'integer', (c) => c.notNull())
          .addColumn('state', 'text', (c) => c.notNull()).addColumn('reason', 'text').addColumn('batch', 'integer', (c) => c.notNull())
          .addColumn('batch_done_at', 'bigint').addColumn('created_by', 'text', (c) => c.notNull()).addColumn('created_at', 'bigint', (c) => c.notNull())
          .addColumn('started_at', 'bigint').addColumn('updated_at', 'bigint', (c) => c.notNull()).addColumn('finished_at', 'bigint').execute();
        await db.schema.createIndex('rollouts_org_state').on('rollouts').columns(['org_id', 'state']).execute();
        await db.schema.createTable('rollout_devices').addColumn('rollout_id', 'text', (c) => c.notNull()).addColumn('device_id', 'text', (c) => c.notNull())
          .addColumn('org_id', 'text', (c) => c.notNull()).addColumn('batch', 'integer', (c) => c.notNull()).addColumn('arm', 'text')
          .addColumn('version', 'text', (c) => c.notNull()).addColumn('previous_version', 'text').addColumn('desired_version', 'text')
          .addColumn('state', 'text', (c) => c.notNull()).addColumn('error', 'text').addColumn('metrics', 'text')
          .addColumn('released_at', 'bigint').addColumn('state_at', 'bigint', (c) => c.notNull())
          .addPrimaryKeyConstraint('rollout_devices_pk', ['rollout_id', 'device_id']).execute();
        await db.schema.createIndex('rollout_devices_device').on('rollout_devices').columns(['device_id', 'released_at']).execute();
      },
    },
    '0006_pipelines': {
      async up(db: Kysely<any>) {
        await db.schema.createTable('pipeline_versions').addColumn('org_id', 'text', (c) => c.notNull()).addColumn('pipeline_id', 'text', (c) => c.notNull())
          .addColumn('version', 'integer', (c) => c.notNull()).addColumn('hash', 'text', (c) => c.notNull()).addColumn('doc', 'text', (c) => c.notNull())
          .addColumn('note', 'text').addColumn('created_by', 'text', (c) => c.notNull()).addColumn('created_at', 'bigint', (c) => c.notNull())
          .addPrimaryKeyConstraint('pipeline_versions_pk', ['org_id', 'pipeline_id', 'version']).execute();
        // Append-only: the newest row per pipeline says which version runs on the hub's data (null: stopped).
        let act = db.schema.createTable('pipeline_activations');
        act = dialect === 'postgres'
          ? act.addColumn('seq', 'bigserial', (c) => c.primaryKey())
          : act.addColumn('seq', 'integer', (c) => c.primaryKey().autoIncrement());
        await act.addColumn('org_id', 'text', (c) => c.notNull()).addColumn('pipeline_id', 'text', (c) => c.notNull()).addColumn('version', 'integer')
          .addColumn('reason', 'text', (c) => c.notNull()).addColumn('actor', 'text', (c) => c.notNull()).addColumn('at', 'bigint', (c) => c.notNull()).execute();
        await db.schema.createIndex('pipeline_activations_org').on('pipeline_activations').columns(['org_id', 'pipeline_id', 'seq']).execute();
      },
    },
    '0008_pipeline_outputs': {
      async up(db: Kysely<any>) {
        let t = db.schema.createTable('pipeline_outputs');
        t = dialect === 'postgres'
          ? t.addColumn('seq', 'bigserial', (c) => c.primaryKey())
          : t.addColumn('seq', 'integer', (c) => c.primaryKey().autoIncrement());
        await t.addColumn('org_id', 'text', (c) => c.notNull()).addColumn('pipeline_id', 'text', (c) => c.notNull()).addColumn('node_id', 'text', (c) => c.notNull())
          .addColumn('kind', 'text', (c) => c.notNull()).addColumn('tbl', 'text').addColumn('at', 'bigint', (c) => c.notNull()).addColumn('body', 'text', (c) => c.notNull()).execute();
        await db.schema.createIndex('pipeline_outputs_org').on('pipeline_outputs').columns(['org_id', 'pipeline_id', 'seq']).execute();
        await db.schema.createIndex('pipeline_outputs_at').on('pipeline_outputs').columns(['at']).execute();
      },
    },
    '0009_alerts': alertsMigration(dialect),
    '0010_processors': processorsMigration(dialect),
    // Which gateway part logged a shipped line (ingest, uplink, …), for the dashboard's service filter.
    '0011_device_log_service': {
      async up(db: Kysely<any>) {
        await db.schema.alterTable('device_logs').addColumn('service', 'text').execute();
      },
    },
    '0012_pipeline_exports': pipelineExportsMigration(dialect),
  };
}

class InlineProvider implements MigrationProvider {
  constructor(private readonly dialect: HubDialect) {}
  async getMigrations(): Promise<Record<string, Migration>> { return migrations(this.dialect); }
}

export interface MigrateResult { applied: string[] }

/** Bring the database to the latest schema; idempotent. Throws with the failing migration's name. */
export async function migrateHubDb(db: Kysely<any>, dialect: HubDialect, schema?: string): Promise<MigrateResult> {
  // Kysely looks for its bookkeeping tables in every schema unless told which one, so two hubs
  // (or test runs) in one PostgreSQL database would see each other's; name the schema.
  const migrator = new Migrator({ db, provider: new InlineProvider(dialect), ...(schema !== undefined ? { migrationTableSchema: schema } : {}) });
  const { error, results } = await migrator.migrateToLatest();
  const failed = results?.find((r) => r.status === 'Error');
  if (error) throw new Error(`hub migration ${failed?.migrationName ?? '(unknown)'} failed: ${(error as Error).message ?? String(error)}`, { cause: error });
  return { applied: (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName) };
}
