// The script node with the real sandbox (V8 isolates via @outpost/sandbox's engine adapter).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Point } from '@outpost/contract';
import { createEngineScriptRunner } from '@outpost/sandbox';
import { testPipeline, type PipelineDocument } from '@outpost/engine';
import { builtinOperators } from '../registry.js';

const doc = (source: string): PipelineDocument => ({
  schemaVersion: 1, id: 'scripted',
  nodes: [
    { id: 'in', kind: 'input', typeVersion: 1 },
    { id: 'sc', kind: 'script', typeVersion: 1, config: { source, timeoutMs: 1000 } },
    { id: 'st', kind: 'store', typeVersion: 1, config: { table: 'derived' } },
  ],
  edges: [{ from: 'in', to: 'sc' }, { from: 'sc', to: 'st' }],
});
const pts: Point[] = [{ device: 'd', metric: 'kw', ts: 1, value: 2 }, { device: 'd', metric: 'kw', ts: 2, value: 5 }];

test('a script node runs user code in the sandbox when the host plugs in a runner', async () => {
  const src = 'function process(data) { return data.filter((p) => p.value > 3).map((p) => ({ ...p, value: p.value * 10 })); }';
  const r = await testPipeline(doc(src), pts, { operators: builtinOperators, scriptRunner: createEngineScriptRunner() });
  assert.equal(r.ok, true, JSON.stringify(r.issues));
  assert.deepEqual((r.outputs.st!.items as Point[]).map((p) => [p.ts, p.value]), [[2, 50]]);
});

test('a script that does not compile fails the pipeline compile, naming the node', async () => {
  const r = await testPipeline(doc('function process(data) { return data.map(( }'), pts, { operators: builtinOperators, scriptRunner: createEngineScriptRunner() });
  assert.equal(r.ok, false);
  assert.equal(r.issues[0]!.nodeId, 'sc');
  assert.match(r.issues[0]!.message, /script does not compile/);
});

test('a script that throws sends the batch to the error path with the reason', async () => {
  const r = await testPipeline(doc('function process() { throw new Error("boom"); }'), pts, { operators: builtinOperators, scriptRunner: createEngineScriptRunner() });
  assert.equal(r.ok, true);
  assert.equal(r.errors.length, 2);
  assert.deepEqual(r.errors.map((e) => e.item), pts);
  assert.match(r.errors[0]!.message, /boom/);
  assert.equal(r.outputs.st, undefined);
});
