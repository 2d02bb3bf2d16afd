import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Logger } from '@outpost/contract';
import type { ProcessorUsageReport } from '@outpost/contract/api/hub';
import { validateBundle, verifyBundle, type ProcessorRegistry, type SignedBundle } from '@outpost/sandbox';

/**
 * Where deployed processors live on a gateway: the artifact agent drops the active bundle of each
 * name in `dir` (see artifacts/installers/processor.ts) and pins the hub's public key in `hubKey`.
 */
export const processorPaths = (dataDir: string) => ({
  dir: join(dataDir, 'artifacts', 'active', 'processor'),
  hubKey: join(dataDir, 'artifacts', 'hub-key.pem'),
});

/**
 * A deployed bundle, checked before anything in it runs: signed by the hub's key over the exact
 * manifest and source, valid, and naming the expected name (and version). Throws an OutpostError.
 */
export function readBundle(file: string, hubKeyPem: string, expect: { name: string; version?: string }): SignedBundle {
  const bundle = JSON.parse(readFileSync(file, 'utf8')) as SignedBundle;
  verifyBundle(bundle, [hubKeyPem]);
  validateBundle(bundle);
  const m = bundle.manifest;
  if (m.name !== expect.name || (expect.version !== undefined && m.version !== expect.version)) {
    throw new Error(`processor bundle ${file} is ${m.name}@${m.version}; expected ${expect.name}${expect.version ? `@${expect.version}` : ''}`);
  }
  return bundle;
}

/** Put a verified bundle in the registry and make it the active version (live instances hot-reload to it). */
export async function installBundle(registry: ProcessorRegistry, bundle: SignedBundle, hubKeyPem: string): Promise<void> {
  registry.trust(hubKeyPem);
  registry.add(bundle);
  await registry.activate(bundle.manifest.name, bundle.manifest.version);
  registry.setEnabled(bundle.manifest.name, true);
}

/**
 * At start-up, before pipelines compile: load every deployed processor into the registry. One
 * that no longer verifies is logged and left out (its pipeline nodes then fail to compile, named).
 */
export async function loadInstalledProcessors(registry: ProcessorRegistry, dataDir: string, logger: Logger): Promise<void> {
  const { dir, hubKey } = processorPaths(dataDir);
  if (!existsSync(dir) || !existsSync(hubKey)) return;
  const key = readFileSync(hubKey, 'utf8');
  for (const name of readdirSync(dir).filter((f) => !f.includes('.tmp-'))) {
    try {
      await installBundle(registry, readBundle(join(dir, name), key, { name }), key);
    } catch (e) {
      logger.error({ err: (e as Error).message, processor: name }, `deployed processor ${name} was not loaded: ${(e as Error).message}`);
    }
  }
}

/** Usage per processor version for the heartbeat, counted since the registry started (`since`). */
export function processorUsage(registry: ProcessorRegistry, since: number): ProcessorUsageReport[] {
  return registry.list().flatMap((p) => Object.entries(registry.stats(p.name))
    .filter(([, u]) => u.invocations > 0)
    .map(([version, u]) => ({ name: p.name, version, since, ...u })));
}

/** The heartbeat's `processors` field (absent when nothing ran). */
export function processorHeartbeat(p: { processors: ProcessorRegistry; processorsSince: number } | undefined): { processors?: ProcessorUsageReport[] } {
  const usage = p ? processorUsage(p.processors, p.processorsSince) : [];
  return usage.length ? { processors: usage } : {};
}
