import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fixtureTests, runFixture, type OperatorFixture } from '../testing/fixtures.js';
import { MAX_TIMESTAMPS_PER_KEY } from './index.js';

fixtureTests(new URL('./fixtures/', import.meta.url));

test('exact mode remembers a bounded number of timestamps per key', async () => {
  const points = Array.from({ length: MAX_TIMESTAMPS_PER_KEY + 10 }, (_, i) => ({ device: 'd', metric: 'm', ts: i, value: 1 }));
  const f: OperatorFixture = { description: 'bounded', node: { kind: 'deduplicate', typeVersion: 1 }, batches: [points, [points[0]!, points.at(-1)!]], expect: {} };
  const r = await runFixture(f);
  // The newest timestamp is still remembered; the very first one was forgotten to stay in bounds.
  assert.deepEqual(r.ports.duplicates, [points.at(-1)]);
  assert.equal(r.ports.out!.length, points.length + 1);
});
