import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { isOutpostError, silentLogger, type Point } from '@outpost/contract';
import { tempDir } from '@outpost/testing';
import { createEngineScriptRunner, generateSigningKeys, ProcessorRegistry, signBundle, type ProcessorManifest, type SignedBundle } from '@outpost/sandbox';
import { loadInstalledProcessors, processorHeartbeat, processorPaths } from '../../processors/installed.js';
import type { StagedArtifact } from '../types.js';
import { processorInstaller } from './processor.js';

const hub = generateSigningKeys();
const manifest = (version: string): ProcessorManifest => ({
  name: 'scale', version, description: 'scales', language: 'javascript',
  configSchema: { type: 'object', properties: { factor: { type: 'number' } }, required: ['factor'] },
});
const bundle = (version: string, plus: number, key = hub.privateKeyPem): SignedBundle =>
  signBundle({ manifest: manifest(version), source: `function process(d, ctx) { return d.map((p) => ({ ...p, value: p.value * ctx.config.factor + ${plus} })); }` }, key);

function setup(t: { after(fn: () => void): void }) {
  const tmp = tempDir('outpost-processor-installer-');
  t.after(tmp.cleanup);
  const paths = processorPaths(tmp.dir);
  mkdirSync(dirname(paths.hubKey), { recursive: true });
  writeFileSync(paths.hubKey, hub.publicKeyPem); // pinned by the artifact agent from GET /v1/artifacts/signing-key
  let n = 0;
  const staged = (b: unknown, version: string): StagedArtifact => {
    const file = join(tmp.dir, `download-${n++}.json`);
    writeFileSync(file, JSON.stringify(b));
    return { kind: 'processor', name: 'scale', version, sha256: 'verified-by-the-agent', file };
  };
  return { dir: tmp.dir, paths, staged };
}

test('processor installer: a deployed version hot-reloads running nodes without losing or repeating a point', async (t) => {
  const { dir, staged } = setup(t);
  const registry = new ProcessorRegistry({ trustedKeys: [] });
  const installer = processorInstaller({ dataDir: dir, registry: () => registry });
  const v1 = staged(bundle('1.0.0', 0), '1.0.0');
  await installer.stage!(v1);
  await installer.activate(v1);
  assert.equal(registry.summary('scale').active, '1.0.0');

  const node = await createEngineScriptRunner({ processors: registry }).processor!({ name: 'scale', config: { factor: 10 } }, { nodeId: 'n' });
  t.after(() => node.dispose());
  // 40 calls in flight while version 2.0.0 is installed: each answered exactly once.
  const calls = Array.from({ length: 40 }, (_, i) => node.run([{ device: 'd', metric: 'm', ts: i, value: 1 } as Point]));
  const v2 = staged(bundle('2.0.0', 1), '2.0.0');
  await installer.stage!(v2);
  await installer.activate(v2);
  const results = (await Promise.all(calls)).map((r) => r.map((p) => p.value));
  assert.equal(results.length, 40);
  assert.deepEqual(results, Array.from({ length: 40 }, () => [10]), 'calls accepted before the swap finish on the old version, each once');
  assert.deepEqual((await node.run([{ device: 'd', metric: 'm', ts: 99, value: 1 }])).map((p) => p.value), [11], 'later calls run the new version');
  assert.equal(registry.summary('scale').active, '2.0.0');

  // Removing it (a rollback to "nothing was installed") disables: points go to the error path, not lost.
  await installer.remove!('processor', 'scale');
  await assert.rejects(node.run([{ device: 'd', metric: 'm', ts: 100, value: 1 }]), (e) => isOutpostError(e, 'ERR_SCRIPT_DISABLED'));
  await installer.activate(v2);
  assert.deepEqual((await node.run([{ device: 'd', metric: 'm', ts: 101, value: 1 }])).map((p) => p.value), [11]);
});

test('processor installer: a bad signature, a tampered body, another key or another name are refused before anything changes', async (t) => {
  const { dir, paths, staged } = setup(t);
  const registry = new ProcessorRegistry({ trustedKeys: [] });
  const installer = processorInstaller({ dataDir: dir, registry: () => registry });
  const good = bundle('1.0.0', 0);
  await installer.activate(staged(good, '1.0.0'));
  const before = readFileSync(join(paths.dir, 'scale'), 'utf8');

  const refused = async (b: unknown, version: string, re: RegExp) => {
    await assert.rejects(installer.stage!(staged(b, version)), (e: Error) => re.test(e.message));
    assert.equal(registry.summary('scale').active, '1.0.0');
    assert.equal(readFileSync(join(paths.dir, 'scale'), 'utf8'), before, 'the installed file is untouched');
  };
  await refused({ ...bundle('1.1.0', 0), source: 'function process() { return []; }' }, '1.1.0', /altered after signing/);
  await refused({ ...bundle('1.1.0', 0), signature: { ...good.signature, value: Buffer.alloc(64, 1).toString('base64') } }, '1.1.0', /signature|altered/);
  await refused(bundle('1.1.0', 0, generateSigningKeys().privateKeyPem), '1.1.0', /not trusted/);
  await refused({ manifest: manifest('1.1.0'), source: 'x' }, '1.1.0', /no ed25519 signature/);
  await refused(bundle('1.2.0', 0), '1.1.0', /expected scale@1\.1\.0/);
});

test('processor installer: after a restart the deployed versions are loaded before pipelines compile', async (t) => {
  const { dir, staged } = setup(t);
  const first = new ProcessorRegistry({ trustedKeys: [] });
  const installer = processorInstaller({ dataDir: dir, registry: () => first });
  for (const [v, plus] of [['1.0.0', 0], ['2.0.0', 5]] as const) await installer.activate(staged(bundle(v, plus), v));

  const restarted = new ProcessorRegistry({ trustedKeys: [] });
  await loadInstalledProcessors(restarted, dir, silentLogger);
  assert.deepEqual([restarted.summary('scale').active, restarted.summary('scale').versions.map((v) => v.version)], ['2.0.0', ['2.0.0']]);
  const node = await createEngineScriptRunner({ processors: restarted }).processor!({ name: 'scale', config: { factor: 2 } }, { nodeId: 'n' });
  t.after(() => node.dispose());
  assert.deepEqual(processorHeartbeat({ processors: restarted, processorsSince: 5 }), {}, 'nothing ran yet: no usage in the heartbeat');
  assert.deepEqual((await node.run([{ device: 'd', metric: 'm', ts: 1, value: 3 }])).map((p) => p.value), [11]);
  const [usage] = processorHeartbeat({ processors: restarted, processorsSince: 5 }).processors ?? [];
  assert.deepEqual({ ...usage, avgMs: undefined, p95Ms: undefined }, { name: 'scale', version: '2.0.0', since: 5, invocations: 1, errors: 0, avgMs: undefined, p95Ms: undefined });
  assert.ok((usage?.p95Ms ?? 0) > 0);
});
