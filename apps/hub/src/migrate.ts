import type { HubConfig } from '@outpost/config';
import { HubStore, type MigrateResult } from '@outpost/storage/hub/index';
import { dbOptions } from './core/services.js';

/** Bring the hub database named by `config.db` to the latest schema (`outpost hub migrate`). */
export async function migrateHub(config: HubConfig): Promise<MigrateResult & { target: string }> {
  const opts = dbOptions(config);
  const r = await HubStore.migrate(opts);
  // Never print a PostgreSQL password.
  const target = opts.kind === 'sqlite' ? opts.path : `${opts.url.replace(/\/\/([^:@/]+):[^@/]*@/, '//$1:***@')} (schema ${opts.schema ?? 'public'})`;
  return { ...r, target };
}
