import { readFileSync } from 'node:fs';

/**
 * The Node flags the `outpost` launcher runs with (its shebang line), so benchmarks start their
 * gateway the way users' gateways start: e.g. with the young generation capped for memory.
 */
export function launcherNodeFlags(): string {
  const first = readFileSync(new URL('../../apps/cli/bin/outpost.mjs', import.meta.url), 'utf8').split('\n', 1)[0]!;
  const flags = first.replace(/^#!\/usr\/bin\/env\s+(-S\s+)?node\s*/, '').trim();
  // The launcher's first imports (apps/cli/bin/v8-tuning.mjs, quiet-debug.mjs), preloaded the same way.
  const preload = ['v8-tuning.mjs', 'quiet-debug.mjs'].map((f) => `--import ${new URL(`../../apps/cli/bin/${f}`, import.meta.url).pathname}`);
  return [flags, ...preload].join(' ');
}
