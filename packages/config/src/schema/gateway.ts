import { Type } from '@sinclair/typebox';
import { Bool, Int, Num, Optional, Port, Section, Str, StringEnum, Struct } from './kinds.js';
import { MqttSection } from './mqtt.js';
import { ModbusSection } from './modbus.js';

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

export const LogSection = Section({
  level: StringEnum(LOG_LEVELS, { default: 'info', description: 'Minimum log level.' }),
}, { description: 'Logging.' });

const DAY_MS = 24 * 60 * 60 * 1000;

const StoreSection = Section({
  path: Optional(Str({ minLength: 1, description: 'SQLite database file. Default: `<gateway.dataDir>/gateway.db`.' })),
  synchronous: StringEnum(['full', 'normal'] as const, {
    default: 'full',
    description: 'SQLite `synchronous` pragma. `full` makes every acknowledged point survive power loss; `normal` (WAL) survives a process crash only.',
  }),
  walSync: StringEnum(['async', 'inline'] as const, {
    default: 'async',
    description: 'With `synchronous: full`, where ingest commits wait for the disk. `async`: the commit writes the WAL, then one fdatasync on a thread-pool thread covers every commit made before it; inputs are acknowledged (PUBACK, HTTP 2xx) only after it, so the guarantee is the same as `inline`, but decoding, rules and actions keep running during the sync. A failed sync makes the store refuse writes until the gateway is restarted. `inline`: SQLite syncs inside the commit, stalling the event loop for the disk\'s latency.',
  }),
  checkpoint: StringEnum(['inline', 'background'] as const, {
    default: 'background',
    description: 'Who copies the WAL into the database file. `background` (default): a worker thread with its own connection, every `checkpointIntervalMs`, so no commit waits for it. `inline`: SQLite\'s automatic checkpoint inside the commit that crosses `checkpointPages` WAL pages, with its fsync of the database file: a stall of the event loop, and so of ingest, rules and actions, several times a second under load. Measured 2026-11-23 (docs/alerts.md): bench:alerts p99 alert latency at 10k points/s 6.2 ms against 10.1 ms inline (medians of 3 runs); bench:ingest the same throughput, ingest-to-commit p99 equal or lower, peak RSS +8-12 MiB (the worker).',
  }),
  checkpointIntervalMs: Int({ minimum: 10, default: 500, description: 'Background checkpoint interval (`checkpoint: background`).' }),
  checkpointPages: Int({ minimum: 1, default: 100, description: 'Inline checkpoint: WAL pages that trigger SQLite\'s automatic checkpoint (SQLite\'s own default is 1000). Smaller checkpoints stall a commit more often but for less time: 100 pages halved the p99 commit latency in bench:ingest.' }),
  maxSizeMb: Int({ minimum: 1, default: 1024, description: 'Size budget of the database; retention deletes the oldest raw points beyond it.' }),
  hardCapMb: Optional(Int({ minimum: 1, description: 'Hard limit: past this size writes are refused with ERR_STORE_FULL (never acknowledged and dropped). Unset: no hard limit.' })),
  retentionRawDays: Num({ exclusiveMinimum: 0, default: 7, description: 'Raw points older than this many days are deleted.' }),
  retentionIntervalMs: Int({ minimum: 10, default: 1000, description: 'How often retention runs a small, bounded delete (continuous, so ingest never stalls).' }),
  groupCommitMaxPoints: Int({ minimum: 1, default: 5000, description: 'Group commit: a transaction is committed once it holds this many points…' }),
  groupCommitMaxDelayMs: Optional(Int({ minimum: 0, description: '…or once its oldest point has waited this long. Default: 2 with `synchronous: full` (commits are paced by their disk syncs: one waits while the previous syncs), 8 with `normal` (nothing else paces them: at 2 ms a busy gateway committed ~500 times a second, each commit a fixed cost; 8 measured 33.5 vs 46.5 ms CPU per 1,000 points on the reference edge job at its max rate, median of 3 noisy repetitions, and lower alert latency at 1,000 points/s).' })),
  deadLetterMaxRows: Int({ minimum: 1, default: 10000, description: 'Dead-letter table bound; the oldest rows are deleted beyond it.' }),
}, { description: 'Local SQLite store (WAL) for raw points and dead letters.' });

const MetricRule = Struct({
  min: Optional(Num({ description: 'Points below this value (after unit conversion) are rejected as out_of_range.' })),
  max: Optional(Num({ description: 'Points above this value (after unit conversion) are rejected as out_of_range.' })),
  unit: Optional(Str({ minLength: 1, description: 'Unit assumed when a point carries none, e.g. `kW`.' })),
  convertTo: Optional(Str({ minLength: 1, description: 'Convert values to this unit before storing, e.g. `MW`, `degC`.' })),
}, { description: 'Rules for one metric.' });

const IngestSection = Section({
  badQuality: StringEnum(['keep', 'drop'] as const, { default: 'keep', description: 'Points flagged `bad` by their source: keep them (flagged) or drop them (counted as bad_quality).' }),
  maxFutureMs: Int({ minimum: 0, default: 300_000, description: 'Points further than this in the future (after skew correction) are rejected.' }),
  maxPastMs: Int({ minimum: 0, default: 7 * DAY_MS, description: 'Points older than this are rejected.' }),
  clockSkew: Section({
    correct: Bool({ default: true, description: 'Detect device clock skew against gateway time and correct timestamps.' }),
    thresholdMs: Int({ minimum: 0, default: 2000, description: 'A device whose median offset exceeds this is treated as skewed.' }),
    window: Int({ minimum: 1, default: 20, description: 'Number of recent messages per device the median offset is taken over.' }),
  }, { description: 'Device clock skew detection and correction.' }),
  metrics: Type.Record(Type.String({ minLength: 1 }), MetricRule, {
    default: {},
    description: 'Per-metric range checks and unit conversion, keyed by metric name.',
  }),
  rejectLogIntervalMs: Int({ minimum: 0, default: 10_000, description: 'Each reject reason is logged at most once per this interval (counts are kept for all).' }),
  attributes: Type.Array(Type.String({ pattern: '^[A-Za-z_][A-Za-z0-9_]{0,63}$' }), {
    default: [],
    maxItems: 16,
    description: 'Payload fields kept on each point as transient attributes, e.g. `["seq"]` (a sender\'s correlation id): alert rules and action templates see them as `{attr.<name>}`; they are not stored in the points table nor uplinked (an alert keeps them in its triggering points). Values must be strings (≤ 256 characters), finite numbers or booleans, else the point is rejected (wrong_type). In a metrics object these fields are not metrics. Not `device`, `metric`, `ts`, `value`, `unit`, `quality`, `tags` or `points`.',
  }),
}, { description: 'Validation and normalisation of incoming points.' });

const HttpSection = Section({
  host: Str({ minLength: 1, default: '127.0.0.1', description: 'Bind address of the gateway HTTP API. A non-loopback address requires `gateway.http.token`.' }),
  port: Port(8081, { description: 'Port of the gateway HTTP API.' }),
  token: Optional(Str({ minLength: 16, description: 'Bearer token required on every request (at least 16 characters). Required when `host` is not a loopback address.' })),
  maxBodyBytes: Int({ minimum: 1, default: 4 * 1024 * 1024, description: 'Largest accepted request body; larger bodies are rejected with ERR_INGEST_TOO_LARGE.' }),
}, { description: 'Local HTTP API: `POST /v1/points`, `GET /v1/points`, health.' });

const CLASSES = ['critical', 'high', 'normal', 'low'] as const;
const ClassTtl = (def: number, what: string) => Int({ minimum: 1000, default: def, description: `Time to live of ${what} items in the outbox, ms; older ones are dropped (counted as expired).` });

const UplinkSection = Section({
  enabled: Bool({ default: false, description: 'Forward to the hub through the store-and-forward outbox. See docs/uplink.md for the guarantees.' }),
  url: Optional(Str({ minLength: 1, description: 'Hub base URL, e.g. `https://hub.example.com`. Required when `enabled`.' })),
  token: Optional(Str({ minLength: 16, description: 'This gateway\'s uplink token (the hub\'s `hub.uplink.gateways` entry).' })),
  points: Section({
    enabled: Bool({ default: true, description: 'Raw points enter the outbox in the same transaction that stores them.' }),
    class: StringEnum(CLASSES, { default: 'normal', description: 'Priority class of raw points.' }),
  }, { description: 'What flows in: raw points (rollups, alerts, events and health are enqueued by their features).' }),
  maxSizeMb: Num({ exclusiveMinimum: 0, default: 256, description: 'Outbox capacity (payload bytes); when full the oldest items of the lowest class are dropped first.' }),
  maxAgeMs: Int({ minimum: 1000, default: 7 * DAY_MS, description: 'Items older than this are dropped (expired), whatever their class TTL.' }),
  dropCritical: Bool({ default: false, description: 'Whether critical items may be dropped to make room; otherwise they are kept past the capacity.' }),
  ttlMs: Section({
    critical: ClassTtl(30 * DAY_MS, 'critical (alerts, events)'),
    high: ClassTtl(7 * DAY_MS, 'high (rollups)'),
    normal: ClassTtl(7 * DAY_MS, 'normal (raw points)'),
    low: ClassTtl(DAY_MS, 'low (debug, bulk)'),
  }, { description: 'Per-class time to live.' }),
  batchMinPoints: Int({ minimum: 1, default: 1000, description: 'Adaptive batching: the smallest batch target, points.' }),
  batchMaxPoints: Int({ minimum: 1, default: 50_000, description: 'Adaptive batching: the largest batch, points (batches double while behind, halve on timeouts).' }),
  batchMaxBytes: Int({ minimum: 1024, default: 4 * 1024 * 1024, description: 'Largest batch, payload bytes before compression.' }),
  lingerMs: Int({ minimum: 0, default: 50, description: 'Wait this long for a small batch to fill before sending it.' }),
  backoffMinMs: Int({ minimum: 10, default: 500, description: 'Retry backoff after a failed send or probe: first delay (exponential with full jitter).' }),
  backoffMaxMs: Int({ minimum: 10, default: 300_000, description: 'Retry backoff ceiling; the hub is probed at least this often while down.' }),
  probeIntervalMs: Int({ minimum: 100, default: 30_000, description: 'While idle, probe the hub this often to keep the link state true.' }),
  requestTimeoutMs: Int({ minimum: 100, default: 30_000, description: 'A send or probe without a complete answer after this long counts as failed.' }),
  rateLimitBytesPerS: Optional(Int({ minimum: 1, description: 'Cap on wire bytes per second (metered links). Unset: no cap.' })),
  compression: StringEnum(['gzip', 'identity'] as const, { default: 'gzip', description: 'Body compression (gzip chosen by measurement, see docs/uplink.md).' }),
  gzipLevel: Int({ minimum: 1, maximum: 9, default: 1, description: 'gzip level; 1 is within 1 % of 6 on telemetry batches at twice the speed.' }),
}, { description: 'Store-and-forward uplink to the hub: outbox, priorities, bounded disk, retries.' });

const DURATION = '^(\\d+(\\.\\d+)?(ms|s|m|h|d|w))+$';
const Duration = (def: string, description: string) => Type.String({ pattern: DURATION, default: def, description });

const RollupsSection = Section({
  enabled: Bool({ default: true, description: 'Maintain continuous rollups (count, min, max, avg, sum, stddev, first, last per bucket) of every stored point in SQLite.' }),
  intervals: Type.Array(Type.String({ pattern: DURATION }), { minItems: 1, maxItems: 8, default: ['1m', '15m'], description: 'Bucket sizes, e.g. `1m`, `15m`, `1h`, `1d` (at least 1 s each).' }),
  lateness: Duration('5m', 'A point arriving up to this long after its bucket closed still updates it (the row is rewritten with a higher revision).'),
  retentionDays: Num({ exclusiveMinimum: 0, default: 90, description: 'Rollup rows older than this many days are deleted (separate from `gateway.store.retentionRawDays`).' }),
  maxKeys: Int({ minimum: 1, default: 100_000, description: 'Cap on device+metric series per interval held in memory; points of further series are not rolled up (counted).' }),
  rebuildMaxPoints: Int({ minimum: 0, default: 1_000_000, description: 'At start-up the open buckets are rebuilt from raw points already stored (at most the last hour); this caps the points replayed.' }),
  uplink: Section({
    enabled: Bool({ default: false, description: 'Enqueue closed rollup rows on the uplink (needs `gateway.uplink.enabled`); with `gateway.uplink.points.enabled: false` only rollups travel.' }),
    class: StringEnum(CLASSES, { default: 'high', description: 'Priority class of rollup rows in the outbox.' }),
  }, { description: 'Uplink of rollup rows.' }),
}, { description: 'Continuous rollups of raw points (see docs/engine.md).' });

const PipelinesSection = Section({
  files: Type.Array(Type.String({ minLength: 1 }), { default: [], description: 'Pipeline documents (JSON files) to run on committed points. Each is saved as a new version when its content changed, and activated; relative paths resolve against the working directory.' }),
  tickIntervalMs: Int({ minimum: 10, default: 1000, description: 'How often windows of quiet devices are closed.' }),
  maxKeysPerNode: Int({ minimum: 1, default: 100_000, description: 'Cap on keys any stateful node holds (bounded memory).' }),
  maxQueuedPoints: Int({ minimum: 1, default: 100_000, description: 'Committed points waiting for one pipeline; when a pipeline falls behind, batches past this are dropped and counted (GET /v1/pipelines: droppedPoints) instead of slowing ingest.' }),
  webhookTimeoutMs: Int({ minimum: 100, default: 10_000, description: 'Timeout of one webhook POST from a pipeline.' }),
  testMaxPoints: Int({ minimum: 1, default: 100_000, description: 'Largest number of points `POST /v1/pipelines/test` runs (inline or replayed).' }),
  modelsDir: Optional(Str({ minLength: 1, description: 'Folder of model artifacts for `model` nodes, one file `<modelId>@<version>.json` each. Default: `<gateway.dataDir>/models`.' })),
}, { description: 'Processing pipelines on the gateway (see docs/engine.md).' });

// A rule's own settings depend on its kind (threshold, geofence, …); @outpost/alerts validates
// them with errors that name the setting (`gateway.alerts.rules[2].raise`), see docs/alerts.md.
const AlertRule = Type.Unsafe<{ id: string; kind: string; [setting: string]: unknown }>(Type.Object({
  id: Type.String({ minLength: 1, maxLength: 100, description: 'Rule id, unique on the gateway.' }),
  kind: Type.String({ minLength: 1, description: 'threshold, rate, missing, pattern, geofence, anomaly, performance-ratio or string-imbalance.' }),
}, { additionalProperties: true, description: 'One alert rule; the other settings depend on its kind (docs/alerts.md).' }));

const AlertsSection = Section({
  enabled: Bool({ default: true, description: 'Evaluate `edge` and `both` rules on committed points (cloud-only rules run on the hub).' }),
  rules: Type.Array(AlertRule, { default: [], description: 'Alert rules (see docs/alerts.md for every kind and action).' }),
  allowedCommands: Type.Array(Type.String({ minLength: 1 }), { default: [], description: 'Absolute paths of programs a `command` action may run (execFile, no shell).' }),
  mqttUrl: Optional(Str({ minLength: 1, description: 'Broker for `mqtt` actions. Default: the gateway\'s own broker (embedded mode) or `gateway.mqtt.url` (client mode).' })),
  tickMs: Int({ minimum: 10, default: 1000, description: 'How often missing-data, for-duration and dwell checks run.' }),
  retryBaseMs: Int({ minimum: 1, default: 500, description: 'First retry delay of a failed action; doubles per attempt (with jitter).' }),
  retryMaxMs: Int({ minimum: 1, default: 60_000, description: 'Longest retry delay of a failed action.' }),
  maxAttempts: Int({ minimum: 1, default: 5, description: 'Attempts per action run (webhooks use their own `maxAttempts`).' }),
  uplink: Bool({ default: true, description: 'Enqueue every lifecycle change as a critical `alerts` outbox item when `gateway.uplink.enabled`.' }),
}, { description: 'Alert rules, lifecycle and actions on the gateway (see docs/alerts.md).' });

const HubLinkSection = Section({
  url: Optional(Str({ minLength: 1, description: 'Hub base URL, e.g. `https://hub.example.com`. When set, the gateway registers with the hub, sends heartbeats, applies the config the hub pushes (rolling back one that fails to start) and, unless `gateway.uplink.url` names another endpoint, sends its uplink to this hub as the provisioned device. See docs/fleet.md.' })),
  registrationToken: Optional(Str({ minLength: 1, description: 'One-time registration token from the hub (`POST /v1/registration-tokens`); needed only on the first start, afterwards the device credential in `<gateway.dataDir>/hub-client.json` is used.' })),
  hardwareId: Optional(Str({ minLength: 1, description: 'This box\'s stable hardware id. Default: `/etc/machine-id`, else the host name.' })),
  name: Optional(Str({ minLength: 1, description: 'Device name shown in the hub at registration. Default: `gateway.id`.' })),
  heartbeatIntervalMs: Int({ minimum: 100, default: 30_000, description: 'Heartbeat period until the hub answers with its own (`heartbeatIntervalS`).' }),
  shipLogsAt: StringEnum(['trace', 'debug', 'info', 'warn', 'error', 'fatal'] as const, { default: 'warn', description: 'Gateway log lines at or above this level are shipped to the hub with the next heartbeat.' }),
}, { description: 'Provisioning, heartbeats and pushed configuration from the hub (see docs/fleet.md).' });

export const GatewaySection = Section({
  id: Str({ minLength: 1, default: 'gw-local', description: 'Gateway id, unique within the fleet.' }),
  dataDir: Str({ minLength: 1, default: './.outpost/gateway', description: 'Folder for the gateway\'s data (database, state). Relative paths resolve against the working directory.' }),
  store: StoreSection,
  ingest: IngestSection,
  mqtt: MqttSection,
  http: HttpSection,
  modbus: ModbusSection,
  uplink: UplinkSection,
  rollups: RollupsSection,
  pipelines: PipelinesSection,
  alerts: AlertsSection,
  hub: HubLinkSection,
  log: LogSection,
}, { description: 'The gateway: ingest, validation, local store.' });
