import { readFileSync } from 'node:fs';
import { ConfigError, loadConfig } from '@outpost/config';
import type { Installer } from '../types.js';

/**
 * Device config as an artifact: the `gateway` section is checked against the configuration
 * schema, then the gateway restarts with it merged over the local config (the hub link's apply:
 * a start failure throws, and the agent re-applies the previous version). Removing returns to the
 * local config alone.
 */
export function configInstaller(apply: (body: Record<string, unknown> | null) => Promise<void>): Installer {
  const body = (file: string) => JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
  return {
    async stage(a) {
      try { loadConfig({ overrides: { gateway: body(a.file) } as never }); } catch (e) {
        throw new Error(`config ${a.name}@${a.version} is invalid here: ${e instanceof ConfigError ? e.message : String(e)}`);
      }
    },
    async activate(a) { await apply(body(a.file)); },
    async remove() { await apply(null); },
  };
}
