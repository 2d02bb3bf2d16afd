import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Point } from '@outpost/contract';
import { isOutpostError } from '@outpost/contract';
import { createEngineScriptRunner } from '../engine-runner.js';
import { createScript } from '../script.js';
import { ReloadableScript } from '../reloadable.js';
import type { ScriptEvent } from '../types.js';
import type { ProcessorManifest } from './manifest.js';
import { ProcessorRegistry } from './registry.js';
import { generateSigningKeys, signBundle, type SignedBundle } from './signing.js';
import { testProcessor } from './test-run.js';

const pt = (value: number): Point => ({ device: 'press-1', metric: 'temp', ts: 1_700_000_000_000, value });
const hub = generateSigningKeys();

function manifest(version: string, extra: Partial<ProcessorManifest> = {}): ProcessorManifest {
  return {
    name: 'scale',
    version,
    description: 'multiplies the value',
    language: 'javascript',
    configSchema: { type: 'object', properties: { factor: { type: 'number' } }, required: ['factor'], additionalProperties: false },
    inputSchema: { type: 'object', properties: { value: { type: 'number' } }, required: ['value'] },
    outputSchema: { type: 'object', properties: { value: { type: 'number', maximum: 1000 } } },
    ...extra,
  };
}

const v1 = (): SignedBundle => signBundle({ manifest: manifest('1.0.0'), source: 'function process(p, ctx) { return { ...p, value: p.value * ctx.config.factor }; }' }, hub.privateKeyPem);
const v2 = (): SignedBundle => signBundle({ manifest: manifest('1.1.0'), source: 'function process(p, ctx) { return { ...p, value: p.value * ctx.config.factor + 1 }; }' }, hub.privateKeyPem);

test('bundles with a bad signature, an untrusted key or a tampered body are refused before loading', () => {
  const registry = new ProcessorRegistry({ trustedKeys: [hub.publicKeyPem] });
  const good = v1();
  const refused = (b: unknown, re: RegExp) => assert.throws(() => registry.add(b as SignedBundle), (e) => isOutpostError(e, 'ERR_PROCESSOR_SIGNATURE') && re.test(e.message));
  refused({ ...good, source: good.source.replace('factor', 'factor * 0 + 1e9') }, /altered/);
  refused({ ...good, manifest: { ...good.manifest, description: 'tampered' } }, /altered/);
  refused({ ...good, signature: { ...good.signature, value: Buffer.alloc(64).toString('base64') } }, /altered/);
  refused({ manifest: good.manifest, source: good.source }, /no ed25519 signature/);
  const other = generateSigningKeys();
  refused(signBundle({ manifest: good.manifest, source: good.source }, other.privateKeyPem), /not trusted/);
  assert.deepEqual(registry.list(), [], 'nothing was stored');
  registry.add(good);
  assert.equal(registry.summary('scale').active, '1.0.0');
});

test('manifests and configs are validated against their schemas', async () => {
  const registry = new ProcessorRegistry({ trustedKeys: [hub.publicKeyPem] });
  const bad = (m: Partial<ProcessorManifest>, re: RegExp) =>
    assert.throws(() => registry.add(signBundle({ manifest: { ...manifest('1.0.0'), ...m }, source: 'function process(p) { return p; }' }, hub.privateKeyPem)), (e) => isOutpostError(e, 'ERR_PROCESSOR_INVALID') && re.test(e.message));
  bad({ name: 'Bad Name' }, /name/);
  bad({ version: 'v1' }, /version/);
  bad({ language: 'csharp' as 'javascript' }, /language/);
  bad({ configSchema: { type: 'nonsense' } }, /configSchema is not a valid JSON Schema/);
  registry.add(v1());
  assert.throws(() => registry.add(signBundle({ manifest: manifest('1.0.0'), source: 'function process() {}' }, hub.privateKeyPem)), /immutable/);
  await assert.rejects(registry.instantiate('scale', { id: 'n1', config: { factor: 'x' } }), (e) => isOutpostError(e, 'ERR_PROCESSOR_INVALID') && /factor/.test(e.message));
  await assert.rejects(registry.instantiate('nope', { id: 'n1' }), (e) => isOutpostError(e, 'ERR_PROCESSOR_NOT_FOUND'));
});

test('versions, activation, rollback, enable/disable, input/output schemas and usage statistics', async () => {
  const events: ScriptEvent[] = [];
  const registry = new ProcessorRegistry({ trustedKeys: [hub.publicKeyPem], hooks: { onEvent: (e) => events.push(e) } });
  registry.add(v1());
  registry.add(v2());
  const node = await registry.instantiate('scale', { id: 'pipe/n1', config: { factor: 10 } });
  const value = async (v: number) => {
    const r = await node.run(pt(v));
    assert.ok(r.ok, JSON.stringify(r));
    return r.points[0]?.value;
  };
  assert.equal(await value(2), 20);
  await registry.activate('scale', '1.1.0');
  assert.equal(node.version, '1.1.0');
  assert.equal(await value(2), 21);
  assert.ok(events.some((e) => e.type === 'reloaded' && e.version === '1.1.0'));
  assert.equal(await registry.rollback('scale'), '1.0.0');
  assert.equal(await value(3), 30);
  // schemas: bad input and bad output are typed failures
  const badIn = await node.run({ ...pt(1), value: 'x' });
  assert.equal(!badIn.ok && badIn.error.reason, 'invalid-input');
  const badOut = await node.run(pt(500));
  assert.equal(!badOut.ok && badOut.error.reason, 'invalid-output');
  registry.setEnabled('scale', false);
  const off = await node.run(pt(1));
  assert.equal(!off.ok && off.error.reason, 'disabled');
  assert.equal(registry.summary('scale').versions.length, 2, 'disabling keeps the versions');
  registry.setEnabled('scale', true);
  assert.equal(await value(1), 10);
  const stats = registry.stats('scale');
  assert.equal(stats['1.0.0']?.invocations, 4); // 20, 30, output-schema failure counted as a call, 10
  assert.equal(stats['1.1.0']?.invocations, 1);
  assert.ok((stats['1.0.0']?.p95Ms ?? 0) > 0 && (stats['1.0.0']?.avgMs ?? 0) > 0);
  await node.close();
});

test('test-run with sample input returns a pipeline-style trace with per-point errors', async () => {
  const registry = new ProcessorRegistry({ trustedKeys: [hub.publicKeyPem] });
  registry.add(signBundle({ manifest: manifest('2.0.0'), source: "function process(p, ctx) { if (p.value < 0) throw new Error('negative'); ctx.log.info('ok', p.value); return { ...p, value: p.value * ctx.config.factor }; }" }, hub.privateKeyPem));
  const trace = await testProcessor(registry, 'scale', { config: { factor: 2 }, sample: [pt(1), pt(-1), pt(3)] });
  assert.equal(trace.format, 'outpost.pipeline-trace');
  const node = trace.nodes[0];
  assert.ok(node);
  assert.equal(node.in.in?.count, 3);
  assert.deepEqual(node.out.out?.items, [pt(2), pt(6)]);
  assert.equal(node.errorCount, 1);
  assert.deepEqual(node.errors[0]?.item, pt(-1));
  assert.match(node.errors[0]?.message ?? '', /negative/);
  assert.deepEqual(node.logs.map((l) => l.message), ['ok 1', 'ok 3']);
  assert.deepEqual(registry.stats('scale')['2.0.0']?.invocations, 0, 'test runs are not usage');
});

test('hot reload: calls in flight finish on the old version, later calls use the new one, none lost', async () => {
  const slow = 'function process(p) { const end = Date.now() + 5; while (Date.now() < end) {} return { ...p, tags: { v: "1" } }; }';
  const reloadable = new ReloadableScript(await createScript({ id: 'hot', language: 'javascript', source: slow }));
  const calls = Array.from({ length: 20 }, (_, i) => reloadable.run(pt(i)));
  await reloadable.reload({ id: 'hot', language: 'javascript', source: 'function process(p) { return { ...p, tags: { v: "2" } }; }' });
  const later = Array.from({ length: 5 }, (_, i) => reloadable.run(pt(100 + i)));
  const results = await Promise.all([...calls, ...later]);
  assert.ok(results.every((r) => r.ok), 'no call failed');
  const versions = results.map((r) => (r.ok ? r.points[0]?.tags?.v : 'x'));
  assert.deepEqual(versions, [...Array(20).fill('1'), ...Array(5).fill('2')]);
  assert.deepEqual(results.map((r) => (r.ok ? r.points[0]?.value : -1)), [...Array.from({ length: 20 }, (_, i) => i), 100, 101, 102, 103, 104]);
  // a broken new version is refused and the running one stays
  await assert.rejects(reloadable.reload({ id: 'hot', language: 'javascript', source: 'function process( {' }), (e) => isOutpostError(e, 'ERR_SCRIPT_INVALID'));
  const still = await reloadable.run(pt(1));
  assert.ok(still.ok && still.points[0]?.tags?.v === '2');
  await reloadable.close();
});

test('engine adapter: compile refuses bad source, run returns points or throws a routed error', async () => {
  const runner = createEngineScriptRunner();
  assert.throws(() => runner.compile('function process( {', { nodeId: 'n1', language: 'javascript', timeoutMs: 1000, memoryMb: 32 }), (e) => isOutpostError(e, 'ERR_SCRIPT_INVALID'));
  assert.throws(() => runner.compile('x', { nodeId: 'n1', language: 'csharp', timeoutMs: 1000, memoryMb: 32 }), (e) => isOutpostError(e, 'ERR_SCRIPT_INVALID') && /language/.test(e.message));
  const ok = runner.compile('function process(batch) { return batch.map((p) => ({ ...p, value: p.value + 1 })); }', { nodeId: 'n2', language: 'javascript', timeoutMs: 1000, memoryMb: 32 });
  assert.deepEqual(await ok.run([pt(1), pt(2)]), [pt(2), pt(3)]);
  const loop = runner.compile('function process() { for (;;) {} }', { nodeId: 'n3', language: 'javascript', timeoutMs: 200, memoryMb: 32 });
  await assert.rejects(loop.run([pt(1)]), (e) => isOutpostError(e, 'ERR_SCRIPT_FAILED') && (e.details as { reason: string }).reason === 'timeout');
  ok.dispose();
  loop.dispose();
});
