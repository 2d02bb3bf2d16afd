import { test } from 'node:test';
import assert from 'node:assert/strict';
import { waitFor } from '@outpost/testing';
import { assertError, hubFixture } from '../../testkit/fixture.js';

const node = (id: string, kind: string, config: Record<string, unknown> = {}) => ({ id, kind, typeVersion: 1, config });
const avg = (fn: string) => ({
  schemaVersion: 1, id: 'flow-avg',
  nodes: [node('in', 'input', { metrics: ['flow'] }), node('agg', 'aggregate', { window: { type: 'tumbling', size: '5m' }, functions: [fn] }), node('db', 'store', { table: 'rollups' })],
  edges: [{ from: 'in', to: 'agg' }, { from: 'agg', to: 'db' }],
});

test('hub POST /v1/pipelines/test: inline points and a replay of stored points give outputs and a trace; diff; bad input is 400 with node ids', async (t) => {
  const f = await hubFixture(t, 'sqlite');
  assert.ok(f);
  const { token } = await f.setup();
  const base = Date.UTC(2026, 10, 1, 0, 0, 0);
  const points = Array.from({ length: 10 }, (_, i) => ({ device: 'pump-7', metric: 'flow', ts: base + i * 60_000, value: i }));

  const inline = await f.call('POST', '/v1/pipelines/test', { token, body: { pipeline: avg('avg'), points } });
  assert.equal(inline.status, 200, inline.body);
  assert.deepEqual(inline.json.result.outputs.db.items.map((p: any) => [p.ts, p.value]), [[base, 2], [base + 5 * 60_000, 7]]);
  assert.equal(inline.json.result.trace.nodes.find((n: any) => n.id === 'agg').in.in.count, 10);

  // Replay: the same points stored through the hub's ingest API.
  const reg = await f.call('POST', '/v1/registration-tokens', { token, body: {} });
  const dev = (await f.call('POST', '/v1/register', { body: { token: reg.json.token, hardwareId: 'pump-7' } })).json as { deviceId: string };
  const key = (await f.call('POST', '/v1/api-keys', { token, body: { name: 'ingest', scopes: ['ingest'] } })).json.secret as string;
  const ing = await f.call('POST', '/v1/ingest', { apiKey: key, body: { device_external_id: 'pump-7', metrics: points.map((p) => ({ name: 'flow', ts: p.ts, value: p.value })) } });
  assert.equal(ing.status, 202, ing.body);
  await waitFor(async () => (await f.call('GET', `/v1/ingest/batches/${ing.json.batchId}`, { token })).json.status === 'stored', { what: 'batch stored' });
  const replay = await f.call('POST', '/v1/pipelines/test', { token, body: { pipeline: avg('avg'), replay: { device: dev.deviceId, metric: 'flow', from: base, to: base + 10 * 60_000 } } });
  assert.equal(replay.status, 200, replay.body);
  assert.equal(replay.json.points, 10);
  assert.deepEqual(replay.json.result.outputs.db.items.map((p: any) => p.value), [2, 7]);

  const diff = await f.call('POST', '/v1/pipelines/test', { token, body: { pipeline: avg('avg'), diff: avg('max'), points } });
  assert.equal(diff.json.diff.equal, false);
  assert.deepEqual(diff.json.diff.outputs[0].onlyInB.map((p: any) => [p.metric, p.value]), [['flow_max', 4], ['flow_max', 9]]);

  const cyclic = { ...avg('avg'), edges: [...avg('avg').edges, { from: 'agg', to: 'in' }] };
  const bad = await f.call('POST', '/v1/pipelines/test', { token, body: { pipeline: cyclic, points } });
  assertError(bad, 400, 'ERR_PIPELINE_INVALID');
  assert.ok(bad.json.error.details.issues.some((i: any) => i.nodeId === 'agg' || i.nodeId === 'in'));
  assertError(await f.call('POST', '/v1/pipelines/test', { token, body: { pipeline: avg('avg'), replay: { device: dev.deviceId, from: base, to: base + 1 } } }), 400, 'ERR_QUERY_INVALID');
  assertError(await f.call('POST', '/v1/pipelines/test', { token, body: { pipeline: avg('avg'), replay: { device: 'nope', metric: 'flow', from: base, to: base + 1 } } }), 404, 'ERR_HUB_NOT_FOUND');
  assert.equal((await f.call('POST', '/v1/pipelines/test', { body: { pipeline: avg('avg'), points } })).status, 401);
});
