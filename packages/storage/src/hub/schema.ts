import type { Generated } from 'kysely';

/**
 * The hub's tables, shared by the SQLite and PostgreSQL adapters through Kysely. Portable
 * choices: ids are text, times are epoch-ms `bigint`, booleans are absent (nullable times say
 * "when" instead), JSON is stored as text and parsed by the repositories.
 */
export interface HubTables {
  hub_settings: { key: string; value: string };
  orgs: { id: string; name: string; created_at: number };
  users: { id: string; org_id: string; email: string; password_hash: string; role: string; created_at: number };
  sessions: { token_hash: string; user_id: string; expires_at: number; created_at: number };
  api_keys: {
    id: string; org_id: string; name: string; prefix: string; secret_hash: string; scopes: string;
    created_by: string; created_at: number; revoked_at: number | null; last_used_at: number | null; expires_at: number | null;
  };
  audit_log: {
    seq: Generated<number>; org_id: string; actor: string; action: string; entity: string; entity_id: string;
    before: string | null; after: string | null; at: number;
  };
  registration_tokens: {
    id: string; org_id: string; prefix: string; secret_hash: string; device_type_id: string | null;
    expires_at: number; used_at: number | null; used_by_device: string | null; created_by: string; created_at: number;
  };
  device_types: { id: string; org_id: string; name: string; metrics: string; config_version: number | null; created_at: number };
  devices: {
    id: string; org_id: string; hardware_id: string; name: string; type_id: string | null;
    location: string | null; metadata: string; state: string; credential_prefix: string; credential_hash: string;
    config_version: number | null; last_seen_at: number | null; last_status: string | null; last_heartbeat: string | null;
    applied_config: string | null; config_error: string | null; created_at: number; updated_at: number;
  };
  device_labels: { device_id: string; org_id: string; kind: string; value: string };
  heartbeats: { device_id: string; org_id: string; at: number; status: string; body: string };
  device_logs: { device_id: string; org_id: string; at: number; level: string; msg: string; service: string | null };
  configs: {
    org_id: string; target_kind: string; target_id: string; version: number; body: string;
    created_by: string; created_at: number; note: string | null;
  };
  assignments: {
    id: string; org_id: string; target_kind: string; target_id: string; artifact_kind: string;
    name: string; version: string; created_at: number;
  };
  deployments: { assignment_id: string; device_id: string; org_id: string; status: string; reason: string | null; updated_at: number };
  ingest_batches: {
    id: string; org_id: string; source: string; status: string; points: number; stored: number;
    error: string | null; archive_key: string | null; received_at: number; done_at: number | null;
  };
  points: { org_id: string; device_id: string; metric: string; ts: number; value: number | null; unit: string | null; text_value: string | null };
  uplink_batches: { gateway: string; stream: string; seq: number; org_id: string; sha256: string; received_at: number; points: number; items: number };
  uplink_items: { gateway: string; stream: string; seq: number; item_id: number; org_id: string; class: string; kind: string; created_at: number; body: string };
  artifacts: {
    org_id: string; kind: string; name: string; version: string; sha256: string; size: number; object_key: string;
    signature: string; key_id: string; meta: string; created_by: string; created_at: number;
  };
  rollouts: {
    id: string; org_id: string; name: string; artifact_kind: string; artifact_name: string; version: string; version_b: string | null;
    target: string; strategy: string; gates: string; on_gate: string; device_timeout_s: number; health_s: number;
    state: string; reason: string | null; batch: number; batch_done_at: number | null;
    created_by: string; created_at: number; started_at: number | null; updated_at: number; finished_at: number | null;
  };
  rollout_devices: {
    rollout_id: string; device_id: string; org_id: string; batch: number; arm: string | null; version: string;
    previous_version: string | null; desired_version: string | null; state: string; error: string | null; metrics: string | null;
    released_at: number | null; state_at: number;
  };
  rollups_1m: { org_id: string; device_id: string; metric: string; bucket: number; count: number; sum: number; min: number; max: number };
  pipeline_versions: { org_id: string; pipeline_id: string; version: number; hash: string; doc: string; note: string | null; created_by: string; created_at: number };
  pipeline_activations: { seq: Generated<number>; org_id: string; pipeline_id: string; version: number | null; reason: string; actor: string; at: number };
  pipeline_outputs: { seq: Generated<number>; org_id: string; pipeline_id: string; node_id: string; kind: string; tbl: string | null; at: number; body: string };
}
