import { test } from 'node:test';
import assert from 'node:assert/strict';
import { waitFor } from '@outpost/testing';
import { MIN, T0, startTestGateway, testDir } from './gateway-fixture.js';

const node = (id: string, kind: string, config: Record<string, unknown> = {}) => ({ id, kind, typeVersion: 1, config });
const perMinute = {
  schemaVersion: 1, id: 'm',
  nodes: [node('in', 'input', { metrics: ['temp'] }), node('agg', 'aggregate', { window: { type: 'tumbling', size: '1m' }, functions: ['max'] }), node('db', 'store', { table: 'minute' })],
  edges: [{ from: 'in', to: 'agg' }, { from: 'agg', to: 'db' }],
};

test('gateway pipelines: window keys are capped per node (gateway.pipelines.maxKeysPerNode); the excess is a counted dead letter and shows in GET /v1/pipelines', async (t) => {
  const g = await startTestGateway(t, testDir(t), { pipelines: { maxKeysPerNode: 50 } }, { t: T0 + 10 * MIN });
  assert.equal((await g.call('POST', '/v1/pipelines', { pipeline: perMinute, activate: true })).status, 201);
  await g.post(Array.from({ length: 80 }, (_, i) => ({ device: `dev-${i}`, metric: 'temp', ts: T0, value: i })));
  await waitFor(async () => (await g.call('GET', '/v1/pipelines')).json.pipelines[0].running.points === 80, { what: 'the batch through the pipeline' });
  const agg = (await g.call('GET', '/v1/pipelines')).json.pipelines[0].running.nodes.agg;
  assert.deepEqual([agg.keys, agg.keyLimit], [50, 30]);
  await waitFor(async () => (await g.call('GET', '/v1/dead-letters')).json.deadLetters.some((d: { reason: string }) => d.reason === 'ERR_ENGINE_KEY_LIMIT'), { what: 'the key-cap dead letter' });
});
