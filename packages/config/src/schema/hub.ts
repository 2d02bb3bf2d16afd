import { Type } from '@sinclair/typebox';
import { Bool, Int, Optional, Port, Section, Str, StringEnum } from './kinds.js';
import { LogSection } from './gateway.js';
import { HubModelsSection } from './hub-models.js';
import { HubPipelinesSection } from './hub-pipelines.js';

const HubDbSection = Section({
  kind: StringEnum(['sqlite', 'postgres'] as const, { default: 'sqlite', description: 'Storage engine: sqlite (embedded, default) or postgres (at scale).' }),
  path: Str({ minLength: 1, default: 'hub.db', description: 'SQLite database file; relative paths resolve against hub.dataDir.' }),
  url: Str({ minLength: 1, default: 'postgres://postgres@127.0.0.1:5432/outpost', description: 'PostgreSQL connection URL (used when kind is postgres).' }),
  schema: Str({ minLength: 1, default: 'public', pattern: '^[a-z_][a-z0-9_]*$', description: 'PostgreSQL schema for the hub\'s tables (created if absent).' }),
}, { description: 'Hub storage (metadata and time series).' });

const HubAuthSection = Section({
  sessionTtlS: Int({ minimum: 60, default: 86_400, description: 'Lifetime of a user session, seconds.' }),
  deviceTokenTtlS: Int({ minimum: 60, default: 3_600, description: 'Lifetime of a device\'s short-lived token, seconds; renewed through the heartbeat.' }),
  rateLimitPerMinute: Int({ minimum: 1, default: 600, description: 'Requests per minute per API key, device or (unauthenticated) address.' }),
}, { description: 'Sessions, device tokens and rate limits.' });

export const HubSection = Section({
  host: Str({ minLength: 1, default: '127.0.0.1', description: 'Bind address of the hub HTTP API.' }),
  port: Port(8080, { description: 'Port of the hub HTTP API.' }),
  dataDir: Str({ minLength: 1, default: './.outpost/hub', description: 'Folder for the hub\'s data. Relative paths resolve against the working directory.' }),
  maxBodyBytes: Int({ minimum: 1024, default: 4 * 1024 * 1024, description: 'Largest accepted request body, bytes; larger bodies get 413.' }),
  heartbeatIntervalS: Int({ minimum: 1, default: 30, description: 'Heartbeat period asked of gateways; a device is offline after 3 missed beats.' }),
  dashboardDir: Optional(Str({ minLength: 1, description: 'Folder of the built dashboard served at `/`. Default: `dist/` of the @outpost/dashboard package (built by `npm install` and `npm run build`).' })),
  db: HubDbSection,
  auth: HubAuthSection,
  models: HubModelsSection,
  pipelines: HubPipelinesSection,
  log: LogSection,
  uplink: Section({
    dbPath: Optional(Str({ minLength: 1, description: 'SQLite file of the uplink ingest (dedup keys, points, items). Default: `<hub.dataDir>/uplink.db`.' })),
    gateways: Type.Record(Type.String({ minLength: 1 }), Type.String({ minLength: 16 }), {
      default: {},
      description: 'Shared uplink token per gateway id (at least 16 characters), until device provisioning issues credentials.',
    }),
    allowUnauthenticated: Bool({ default: false, description: 'Accept batches from gateways not listed in `gateways` without a token (development only).' }),
    maxBodyBytes: Int({ minimum: 1024, default: 16 * 1024 * 1024, description: 'Largest compressed uplink batch accepted; larger ones get 413 and the gateway re-batches smaller.' }),
    maxDecodedBytes: Int({ minimum: 1024, default: 128 * 1024 * 1024, description: 'Largest uplink batch after decompression (guards against compression bombs).' }),
  }, { description: 'Uplink ingest endpoint (`POST /v1/uplink/batches`): gateway authentication and limits.' }),
}, { description: 'The hub: control plane and API.' });
