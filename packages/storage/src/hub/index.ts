export { HubStore } from './store.js';
export { openHubDb, dropPostgresSchema, type HubDbOptions, type HubDialect } from './open.js';
export { migrateHubDb, type MigrateResult } from './migrations.js';
export type { Actor, AuditEntry, AuditQuery } from './audit.js';
export { ROLES, type Role, type Org, type User, type UserWithHash, type ApiKey, type ApiKeyWithHash } from './tenancy.js';
export * from './fleet-types.js';
export type { HeartbeatRecord, DeviceLog, RangeQuery } from './health.js';
export { mergeConfig, type ConfigTarget, type ConfigVersion, type EffectiveConfig } from './configs.js';
export type { HubPoint, IngestBatch, BatchStatus, RollupRow } from './timeseries.js';
