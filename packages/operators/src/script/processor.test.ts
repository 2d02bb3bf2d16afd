// The script node running a registered processor by name (the real sandbox and registry).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Point } from '@outpost/contract';
import { createEngineScriptRunner, generateSigningKeys, ProcessorRegistry, signBundle, type ProcessorManifest } from '@outpost/sandbox';
import { LivePipeline, testPipeline, type PipelineDocument } from '@outpost/engine';
import { builtinOperators } from '../registry.js';

const keys = generateSigningKeys();
const manifest = (version: string): ProcessorManifest => ({
  name: 'scale', version, description: 'multiplies the value', language: 'javascript',
  configSchema: { type: 'object', properties: { factor: { type: 'number' } }, required: ['factor'], additionalProperties: false },
});
const bundle = (version: string, plus: number) =>
  signBundle({ manifest: manifest(version), source: `function process(d, ctx) { return d.map((p) => ({ ...p, value: p.value * ctx.config.factor + ${plus} })); }` }, keys.privateKeyPem);

function registry(): ProcessorRegistry {
  const r = new ProcessorRegistry({ trustedKeys: [keys.publicKeyPem] });
  r.add(bundle('1.0.0', 0));
  r.add(bundle('2.0.0', 1));
  return r;
}

const doc = (processor: Record<string, unknown>): PipelineDocument => ({
  schemaVersion: 1, id: 'with-processor',
  nodes: [
    { id: 'in', kind: 'input', typeVersion: 1 },
    { id: 'sc', kind: 'script', typeVersion: 1, config: { processor } },
    { id: 'st', kind: 'store', typeVersion: 1, config: { table: 'derived' } },
  ],
  edges: [{ from: 'in', to: 'sc' }, { from: 'sc', to: 'st' }],
});
const pts: Point[] = [{ device: 'd', metric: 'kw', ts: 1, value: 2 }, { device: 'd', metric: 'kw', ts: 2, value: 5 }];
const values = (r: { outputs: Record<string, { items: unknown[] } | undefined> }) => (r.outputs.st?.items as Point[] | undefined)?.map((p) => p.value);

test('a script node runs a registered processor by name: the active version, or a pinned one, with its config', async () => {
  const scriptRunner = createEngineScriptRunner({ processors: registry() });
  const active = await testPipeline(doc({ name: 'scale', config: { factor: 10 } }), pts, { operators: builtinOperators, scriptRunner });
  assert.equal(active.ok, true, JSON.stringify(active.issues));
  assert.deepEqual(values(active), [20, 50], 'the first version added is the active one');
  const pinned = await testPipeline(doc({ name: 'scale', version: '2.0.0', config: { factor: 10 } }), pts, { operators: builtinOperators, scriptRunner });
  assert.deepEqual(values(pinned), [21, 51]);
});

test('an unknown processor, a config outside its schema, or a host without a registry fail the compile, naming the node', async () => {
  const scriptRunner = createEngineScriptRunner({ processors: registry() });
  const unknown = await testPipeline(doc({ name: 'nope', config: {} }), pts, { operators: builtinOperators, scriptRunner });
  assert.equal(unknown.ok, false);
  assert.equal(unknown.issues[0]!.nodeId, 'sc');
  assert.match(unknown.issues[0]!.message, /nope/);
  const badConfig = await testPipeline(doc({ name: 'scale', config: { factor: 'ten' } }), pts, { operators: builtinOperators, scriptRunner });
  assert.equal(badConfig.ok, false);
  assert.match(badConfig.issues.map((i) => i.message).join('\n'), /config of sc does not match the config schema of scale@1\.0\.0: \/factor must be number/);
  const noRegistry = await testPipeline(doc({ name: 'scale', config: { factor: 1 } }), pts, { operators: builtinOperators, scriptRunner: createEngineScriptRunner() });
  assert.equal(noRegistry.ok, false);
  assert.match(noRegistry.issues[0]!.message, /no processor registry/);
  const both = await testPipeline({ ...doc({ name: 'scale' }), nodes: [{ id: 'in', kind: 'input', typeVersion: 1 }, { id: 'sc', kind: 'script', typeVersion: 1, config: { source: 'x', processor: { name: 'scale' } } }, { id: 'st', kind: 'store', typeVersion: 1, config: { table: 't' } }] }, pts, { operators: builtinOperators, scriptRunner });
  assert.equal(both.ok, false, 'source and processor together are refused');
});

test('activating another version re-points a running pipeline node (hot reload) and a disabled processor sends points to the error path', async () => {
  const reg = registry();
  // No store node: the script's output stays on its unconnected port, where the result shows it.
  const d = doc({ name: 'scale', config: { factor: 10 } });
  const live = await LivePipeline.start({ ...d, nodes: d.nodes.slice(0, 2), edges: d.edges.slice(0, 1) }, { operators: builtinOperators, host: { scriptRunner: createEngineScriptRunner({ processors: reg }) } });
  const out = (r: { unconnected: Record<string, Record<string, unknown[]>> }) => (r.unconnected.sc?.out as Point[] | undefined ?? []).map((p) => p.value);
  try {
    assert.deepEqual(out(await live.process(pts)), [20, 50]);
    await reg.activate('scale', '2.0.0');
    assert.deepEqual(out(await live.process(pts)), [21, 51]);
    reg.setEnabled('scale', false);
    const off = await live.process(pts);
    assert.deepEqual([out(off).length, off.errors.length], [0, 2]);
    assert.match(off.errors[0]!.message, /disabled/);
    assert.deepEqual(reg.stats('scale')['2.0.0']?.invocations, 1, 'usage is counted per version');
  } finally {
    live.current.dispose();
  }
});
