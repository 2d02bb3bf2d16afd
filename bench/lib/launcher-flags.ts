import { readFileSync } from 'node:fs';

/**
 * The Node flags the `outpost` launcher runs with (its shebang line), so benchmarks start their
 * gateway the way users' gateways start: e.g. with the young generation capped for memory.
 */
export function launcherNodeFlags(): string {
  const first = readFileSync(new URL('../../apps/cli/bin/outpost.mjs', import.meta.url), 'utf8').split('\n', 1)[0]!;
  return first.replace(/^#!\/usr\/bin\/env\s+(-S\s+)?node\s*/, '').trim();
}
