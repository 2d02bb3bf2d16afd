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
  maxSizeMb: Int({ minimum: 1, default: 1024, description: 'Size budget of the database; retention deletes the oldest raw points beyond it.' }),
  hardCapMb: Optional(Int({ minimum: 1, description: 'Hard limit: past this size writes are refused with ERR_STORE_FULL (never acknowledged and dropped). Unset: no hard limit.' })),
  retentionRawDays: Num({ exclusiveMinimum: 0, default: 7, description: 'Raw points older than this many days are deleted.' }),
  retentionIntervalMs: Int({ minimum: 10, default: 1000, description: 'How often retention runs a small, bounded delete (continuous, so ingest never stalls).' }),
  groupCommitMaxPoints: Int({ minimum: 1, default: 5000, description: 'Group commit: a transaction is committed once it holds this many points…' }),
  groupCommitMaxDelayMs: Int({ minimum: 0, default: 2, description: '…or once its oldest point has waited this long.' }),
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
  dedupe: Bool({ default: true, description: 'Drop duplicate points (same device, metric and timestamp).' }),
  metrics: Type.Record(Type.String({ minLength: 1 }), MetricRule, {
    default: {},
    description: 'Per-metric range checks and unit conversion, keyed by metric name.',
  }),
  rejectLogIntervalMs: Int({ minimum: 0, default: 10_000, description: 'Each reject reason is logged at most once per this interval (counts are kept for all).' }),
}, { description: 'Validation and normalisation of incoming points.' });

const HttpSection = Section({
  host: Str({ minLength: 1, default: '127.0.0.1', description: 'Bind address of the gateway HTTP API. A non-loopback address requires `gateway.http.token`.' }),
  port: Port(8081, { description: 'Port of the gateway HTTP API.' }),
  token: Optional(Str({ minLength: 16, description: 'Bearer token required on every request (at least 16 characters). Required when `host` is not a loopback address.' })),
  maxBodyBytes: Int({ minimum: 1, default: 4 * 1024 * 1024, description: 'Largest accepted request body; larger bodies are rejected with ERR_INGEST_TOO_LARGE.' }),
}, { description: 'Local HTTP API: `POST /v1/points`, `GET /v1/points`, health.' });

export const GatewaySection = Section({
  id: Str({ minLength: 1, default: 'gw-local', description: 'Gateway id, unique within the fleet.' }),
  dataDir: Str({ minLength: 1, default: './.outpost/gateway', description: 'Folder for the gateway\'s data (database, state). Relative paths resolve against the working directory.' }),
  store: StoreSection,
  ingest: IngestSection,
  mqtt: MqttSection,
  http: HttpSection,
  modbus: ModbusSection,
  log: LogSection,
}, { description: 'The gateway: ingest, validation, local store.' });
