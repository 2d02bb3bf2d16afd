import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Point } from '@outpost/contract';
import { compilePipeline, type EngineErrorRecord, type PipelineDocument } from '@outpost/engine';
import { builtinOperators } from '../registry.js';

const pts: Point[] = [
  { device: 'c1', metric: 'temp', ts: 1, value: 5 },
  { device: 'b1', metric: 'temp', ts: 1, value: 70 },
];
const doc = (sink: string, config: Record<string, unknown>): PipelineDocument => ({
  schemaVersion: 1, id: 'p',
  nodes: [{ id: 'in', kind: 'input', typeVersion: 1, config: { deviceTypes: ['chiller'] } }, { id: 'o', kind: sink, typeVersion: 1, config }],
  edges: [{ from: 'in', to: 'o' }],
});

test('input matches device types through the host registry', async () => {
  const got: unknown[] = [];
  const ex = compilePipeline(doc('store', { table: 't' }), {
    operators: builtinOperators,
    host: { deviceTypeOf: (d) => (d.startsWith('c') ? 'chiller' : 'boiler'), sinks: { store: { write: (_t, items) => { got.push(...items); } } } },
  });
  await ex.process(pts);
  assert.deepEqual(got, [pts[0]]);
});

test('a sink that fails puts every item it was handed on the error path and in the dead-letter sink', async () => {
  const dead: EngineErrorRecord[] = [];
  const ex = compilePipeline(doc('outbox', { priority: 'critical' }), {
    operators: builtinOperators,
    host: {
      deviceTypeOf: () => 'chiller',
      sinks: {
        outbox: { enqueue: async () => { throw new Error('disk full'); } },
        deadLetter: { reject: (errors) => { dead.push(...errors); } },
      },
    },
  });
  const r = await ex.process(pts);
  assert.equal(r.errors.length, 2);
  assert.deepEqual(r.errors.map((e) => [e.nodeId, e.code, e.item]), [['o', 'ERR_ENGINE_SINK', pts[0]], ['o', 'ERR_ENGINE_SINK', pts[1]]]);
  assert.match(r.errors[0]!.message, /outbox failed: disk full/);
  assert.deepEqual(dead, r.errors);
  assert.equal(ex.stats().o!.errors, 2);
});

test('an operator that throws fails only its own node; other branches still run', async () => {
  const stored: unknown[] = [];
  const d: PipelineDocument = {
    schemaVersion: 1, id: 'p',
    nodes: [
      { id: 'in', kind: 'input', typeVersion: 1 },
      { id: 'a', kind: 'alert', typeVersion: 1, config: { rule: 'r', when: 'value > 50' } },
      { id: 's', kind: 'store', typeVersion: 1, config: { table: 't' } },
    ],
    edges: [{ from: 'in', to: 'a' }, { from: 'in', to: 's' }],
  };
  const ex = compilePipeline(d, { operators: builtinOperators, host: { sinks: { alert: { raise: () => { throw new Error('alert module down'); } }, store: { write: (_t, items) => { stored.push(...items); } } } } });
  const r = await ex.process(pts);
  assert.deepEqual(stored, pts);
  assert.equal(r.errors.length, 1);
  assert.equal(r.errors[0]!.code, 'ERR_ENGINE_SINK');
  assert.equal((r.errors[0]!.item as { rule: string }).rule, 'r');
});
