import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Point } from '@outpost/contract';
import { compilePipeline } from '../compiler/compile.js';
import { createRegistry, type OperatorDefinition } from '../types.js';

// Two tiny operators written for this test: a pass-through input and one that hands its input on
// and then appends to the same port — the executor must not let that push reach the caller's array.
const input: OperatorDefinition = {
  kind: 'input', typeVersion: 1, title: 'in', description: 'all', configSchema: { type: 'object' }, inputs: [], outputs: [{ name: 'out', type: 'point' }],
  create: () => ({ process: (_p, items, io) => io.emitAll('out', items) }),
};
const appender: OperatorDefinition = {
  kind: 'append', typeVersion: 1, title: 'append', description: 'pass and add one', configSchema: { type: 'object' },
  inputs: [{ name: 'in', accepts: ['point'] }], outputs: [{ name: 'out', type: 'point' }],
  create: () => ({
    process: (_p, items, io) => {
      io.emitAll('out', items);
      io.out('out').push({ device: 'extra', metric: 'm', ts: 0, value: 1 });
    },
  }),
};

test('an array handed over with emitAll is copied before the node pushes onto the same port', async () => {
  const ex = compilePipeline(
    { schemaVersion: 1, id: 'p', nodes: [{ id: 'in', kind: 'input', typeVersion: 1 }, { id: 'a', kind: 'append', typeVersion: 1 }], edges: [{ from: 'in', to: 'a' }] },
    { operators: createRegistry([input, appender]) },
  );
  const batch: Point[] = [{ device: 'd', metric: 'm', ts: 1, value: 1 }];
  const r = await ex.process(batch);
  assert.equal(batch.length, 1, "the caller's batch is untouched");
  assert.deepEqual((r.unconnected.a!.out as Point[]).map((p) => p.device), ['d', 'extra']);
});
