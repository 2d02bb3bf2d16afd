import type { Command } from 'commander';
import { loadConfig, type OutpostConfig } from '@outpost/config';
import type { CliIo } from './io.js';

export interface ConfigFlags {
  config?: string;
  set?: string[];
}

const collect = (value: string, previous: string[] | undefined) => [...(previous ?? []), value];

/** `--config` and `--set`, shared by every verb that reads the configuration. */
export function withConfigOptions(cmd: Command): Command {
  return cmd
    .option('-c, --config <file>', 'configuration file, YAML or JSON (default: $OUTPOST_CONFIG, else built-in defaults)')
    .option('--set <path=value>', 'override one setting, e.g. --set gateway.http.port=9000 (repeatable)', collect);
}

/** defaults ← file ← OUTPOST_* environment ← --set. */
export function loadCliConfig(flags: ConfigFlags, io: CliIo): OutpostConfig {
  const file = flags.config ?? (io.env.OUTPOST_CONFIG || undefined);
  return loadConfig({ ...(file === undefined ? {} : { file }), env: io.env, set: flags.set ?? [] });
}

/** Which file a configuration came from, for banners. */
export function configSource(flags: ConfigFlags, io: CliIo): string {
  return flags.config ?? (io.env.OUTPOST_CONFIG || 'built-in defaults');
}
