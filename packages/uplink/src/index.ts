export { createUplink, type Uplink, type UplinkOptions, type UplinkStatus, type CapacityEvent } from './uplink.js';
export { Outbox, CAPACITY_LEVELS, type OutboxOptions, type DropCounts, type ClassCounts } from './outbox/outbox.js';
export { OutboxBatches, type StoredBatch } from './outbox/batches.js';
export { PRIORITY_CLASSES, DROP_REASONS, DEFAULT_LIMITS, type PriorityClass, type DropReason, type OutboxLimits } from './outbox/classes.js';
export { DrainLoop, type LinkState, type DrainStats } from './drain.js';
export { HttpSender, type SendResult } from './sender.js';
export { Backoff } from './backoff.js';
export { heartbeatBuffer } from './heartbeat.js';
export { buildWireBody, type Compression } from './wire-body.js';
