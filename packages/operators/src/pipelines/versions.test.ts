import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Point } from '@outpost/contract';
import { createRegistry, testPipeline, type OperatorDefinition, type PipelineDocument } from '@outpost/engine';
import { BUILTIN_OPERATORS } from '../registry.js';
import { filter } from '../filter/index.js';

/** A later filter version with different semantics (gaps pass), registered next to v1 as an upgrade would. */
const filterV2: OperatorDefinition = {
  ...filter,
  typeVersion: 2,
  create: (config, ctx) => filter.create({ expression: `isNull(value) || (${String(config.expression)})` }, ctx),
};
const upgraded = createRegistry([...BUILTIN_OPERATORS, filterV2]);

const doc = (typeVersion: number): PipelineDocument => ({
  schemaVersion: 1, id: 'p',
  nodes: [
    { id: 'in', kind: 'input', typeVersion: 1 },
    { id: 'f', kind: 'filter', typeVersion, config: { expression: 'value > 5' } },
    { id: 's', kind: 'store', typeVersion: 1, config: { table: 't' } },
  ],
  edges: [{ from: 'in', to: 'f' }, { from: 'f', to: 's' }],
});
const pts: Point[] = [{ device: 'd', metric: 'm', ts: 1, value: null, quality: 'bad' }, { device: 'd', metric: 'm', ts: 2, value: 9 }];

test('a deployed pipeline keeps the operator version it names after the engine gains a new one', async () => {
  const v1 = await testPipeline(doc(1), pts, { operators: upgraded });
  const v2 = await testPipeline(doc(2), pts, { operators: upgraded });
  assert.deepEqual(v1.outputs.s!.items, [pts[1]]);
  assert.deepEqual(v2.outputs.s!.items, pts);
  assert.deepEqual(upgraded.versions('filter'), [1, 2]);
});

test('an operator version cannot be registered twice', () => {
  assert.throws(() => createRegistry([filter, filter]), /filter@1 registered twice/);
});
