export { GatewayStore, type GatewayStoreOptions, type DeadLetterInput, type CommitResult, type CommitHook, type StoreUsage } from './sqlite/gateway-store.js';
export type { PointQuery, DeadLetter, DeadLetterQuery } from './sqlite/queries.js';
export { MAX_QUERY_LIMIT } from './sqlite/queries.js';
export type { RetentionPolicy, RetentionResult } from './sqlite/retention.js';
export { migrate, GATEWAY_MIGRATIONS } from './sqlite/migrations.js';
export { GatewayRollups, type RollupRow, type RollupQuery } from './sqlite/rollup-table.js';
