import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MIN, T0, startTestGateway, testDir } from './gateway-fixture.js';

const node = (id: string, kind: string, config: Record<string, unknown> = {}) => ({ id, kind, typeVersion: 1, config });
const passThrough = { schemaVersion: 1, id: 'p', nodes: [node('in', 'input', { metrics: ['temp'] }), node('db', 'store', { table: 'seen' })], edges: [{ from: 'in', to: 'db' }] };
const batch = (n: number, from: number) => Array.from({ length: n }, (_, i) => ({ device: 'd1', metric: 'temp', ts: T0 + (from + i) * 1000, value: i }));

test('gateway pipelines: committed batches wait in a bounded queue; past gateway.pipelines.maxQueuedPoints they are dropped, counted and shown in GET /v1/pipelines', async (t) => {
  const g = await startTestGateway(t, testDir(t), { pipelines: { maxQueuedPoints: 150 } }, { t: T0 + 10 * MIN });
  assert.equal((await g.call('POST', '/v1/pipelines', { pipeline: passThrough, activate: true })).status, 201);
  const svc = g.gw.pipelines!;
  // Three committed batches arrive before the pipeline has finished the first: the third does not fit.
  await Promise.all([svc.process(batch(60, 0)), svc.process(batch(60, 60)), svc.process(batch(60, 120))]);
  const running = (await g.call('GET', '/v1/pipelines')).json.pipelines[0].running;
  assert.deepEqual([running.points, running.batches, running.droppedPoints, running.droppedBatches, running.queuedPoints], [120, 2, 60, 1, 0]);
  assert.equal((await g.call('GET', '/v1/pipelines/outputs?table=seen&limit=1000')).json.outputs.length, 120);
  await svc.process(batch(60, 180));
  assert.equal((await g.call('GET', '/v1/pipelines')).json.pipelines[0].running.points, 180, 'batches flow again once there is room');
});
