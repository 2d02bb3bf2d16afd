import { randomBytes } from 'node:crypto';
import { isAbsolute, join } from 'node:path';
import type { FastifyBaseLogger } from 'fastify';
import type { HubConfig } from '@outpost/config';
import { HubStore, type HubDbOptions } from '@outpost/storage/hub/index';
import { Authenticator } from './auth.js';
import { DeviceTokens } from './secrets.js';
import { FolderObjectStore, type ObjectStore } from './object-store.js';
import { IngestPipeline } from './ingest-pipeline.js';
import { ChangeFeed } from './change-feed.js';
import { PointFeed } from './point-feed.js';

/** The hub's shared services, built once per hub and handed to every module through HubContext. */
export interface HubServices {
  store: HubStore;
  auth: Authenticator;
  objects: ObjectStore;
  ingest: IngestPipeline;
  changes: ChangeFeed;
  /** Points just committed (ingest API and uplink), for cloud alert rules. */
  stored: PointFeed;
}

const under = (dataDir: string, p: string) => (isAbsolute(p) ? p : join(dataDir, p));

/** Storage options from `hub.db`: SQLite under hub.dataDir by default, PostgreSQL when asked. */
export function dbOptions(config: HubConfig): HubDbOptions {
  return config.db.kind === 'postgres'
    ? { kind: 'postgres', url: config.db.url, schema: config.db.schema }
    : { kind: 'sqlite', path: under(config.dataDir, config.db.path) };
}

export async function createServices(config: HubConfig, now: () => number, log: FastifyBaseLogger, store?: HubStore, objects?: ObjectStore): Promise<HubServices> {
  const s = store ?? (await HubStore.open(dbOptions(config)));
  // The device-token signing key lives in the database so every hub process sharing it agrees.
  const key = await s.tenancy.ensureSetting('device_token_key', randomBytes(32).toString('base64'));
  const objs = objects ?? new FolderObjectStore(join(config.dataDir, 'objects'));
  const stored = new PointFeed(log);
  return {
    store: s,
    auth: new Authenticator(s, new DeviceTokens(Buffer.from(key, 'base64')), now),
    objects: objs,
    ingest: new IngestPipeline(s, objs, now, log, stored),
    changes: new ChangeFeed(),
    stored,
  };
}
