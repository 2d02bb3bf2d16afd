import { Command } from 'commander';
import type { CliIo } from '../io.js';
import { loadCliConfig, withConfigOptions, type ConfigFlags } from '../options.js';
import { loadHub } from '../services.js';

/** `outpost hub migrate`: run the hub's storage migrations (SQLite or PostgreSQL, from hub.db) and exit. */
export function hubMigrateCommand(io: CliIo): Command {
  return withConfigOptions(new Command('migrate'))
    .description('Bring the hub database (hub.db: SQLite or PostgreSQL) to the latest schema, then exit; the hub also does this on start')
    .action(async (_flags: ConfigFlags, cmd: Command) => {
      // `outpost hub --set … migrate` and `outpost hub migrate --set …` both count.
      const config = loadCliConfig(cmd.optsWithGlobals<ConfigFlags>(), io);
      const { migrateHub } = await loadHub();
      const r = await migrateHub(config.hub);
      io.out(r.applied.length ? `applied ${r.applied.join(', ')} to ${r.target}\n` : `${r.target} is up to date\n`);
    });
}
