import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MIN, T0, startTestGateway, testDir } from './gateway-fixture.js';

const node = (id: string, kind: string, config: Record<string, unknown> = {}) => ({ id, kind, typeVersion: 1, config });
const hot = (threshold: number) => ({
  schemaVersion: 1, id: 'hot',
  nodes: [node('in', 'input', { metrics: ['temp'] }), node('f', 'filter', { expression: `100 / value > ${threshold}` }), node('up', 'outbox', { priority: 'high' })],
  edges: [{ from: 'in', to: 'f' }, { from: 'f', to: 'up' }],
});
const pts = [
  { device: 'd1', metric: 'temp', ts: T0, value: 2 },
  { device: 'd1', metric: 'temp', ts: T0 + 1000, value: 0 },
  { device: 'd1', metric: 'temp', ts: T0 + 2000, value: 50 },
  { device: 'd1', metric: 'rpm', ts: T0 + 2000, value: 1 },
];

test('POST /v1/pipelines/test: outputs and a per-node trace with the failing point, from inline points or a replay of the store', async (t) => {
  const g = await startTestGateway(t, testDir(t), {}, { t: T0 + MIN });
  const r = await g.call('POST', '/v1/pipelines/test', { pipeline: hot(10), points: pts });
  assert.equal(r.status, 200, JSON.stringify(r.json));
  assert.equal(r.json.mode, 'test');
  assert.deepEqual(r.json.result.outputs.up.items.map((p: any) => p.value), [2]);
  assert.deepEqual(r.json.result.outputs.up.targets, ['high'], 'outbox nodes are testable even with the uplink off');
  const trace = r.json.result.trace;
  assert.equal(trace.format, 'outpost.pipeline-trace');
  const f = trace.nodes.find((n: any) => n.id === 'f');
  assert.deepEqual([f.in.in.count, f.out.out.count, f.out.rejected.count, f.errorCount], [3, 1, 1, 1]);
  assert.equal(f.errors[0].code, 'ERR_ENGINE_EVAL');
  assert.equal(f.errors[0].item.value, 0);
  assert.equal(typeof f.durationMs, 'number');

  await g.post(pts);
  const replay = await g.call('POST', '/v1/pipelines/test', { pipeline: hot(1), replay: { device: 'd1', metric: 'temp', from: T0, to: new Date(T0 + 5000).toISOString() } });
  assert.equal(replay.status, 200, JSON.stringify(replay.json));
  assert.equal(replay.json.points, 3);
  assert.deepEqual(replay.json.result.outputs.up.items.map((p: any) => p.value), [2, 50]);

  const diff = await g.call('POST', '/v1/pipelines/test', { pipeline: hot(10), diff: hot(1), points: pts });
  assert.equal(diff.json.mode, 'diff');
  assert.equal(diff.json.diff.equal, false);
  assert.deepEqual(diff.json.diff.outputs.map((o: any) => [o.nodeId, o.status, o.countA, o.countB, o.onlyInB.map((p: any) => p.value)]), [['up', 'changed', 1, 2, [50]]]);
  const same = await g.call('POST', '/v1/pipelines/test', { pipeline: hot(10), diff: hot(10), points: pts });
  assert.equal(same.json.diff.equal, true);
});

test('POST /v1/pipelines/test: bad pipelines and bad requests are 400 naming the node or field', async (t) => {
  const g = await startTestGateway(t, testDir(t), {}, { t: T0 + MIN });
  const bad = hot(1);
  bad.nodes[1] = node('f', 'filter', { expression: 'value > nosuch(1)' });
  const r = await g.call('POST', '/v1/pipelines/test', { pipeline: bad, points: pts });
  assert.equal(r.status, 400);
  assert.equal(r.json.error.code, 'ERR_PIPELINE_EXPRESSION');
  assert.equal(r.json.error.details.issues[0].nodeId, 'f');
  const badDiff = await g.call('POST', '/v1/pipelines/test', { pipeline: hot(1), diff: bad, points: pts });
  assert.equal(badDiff.status, 400);
  assert.equal(badDiff.json.error.details.which, 'diff');
  const cases: Array<[unknown, RegExp]> = [
    [{ points: pts }, /^pipeline: required/],
    [{ pipeline: hot(1) }, /points or replay/],
    [{ pipeline: hot(1), points: [{ device: 'd', metric: 'm', ts: 'soon' }] }, /points\[0\]\.ts: expected epoch milliseconds/],
    [{ pipeline: hot(1), replay: { device: 'd1', from: 'later', to: 1 } }, /replay\.from/],
    [{ pipeline: hot(1), points: pts, extra: 1 }, /unknown field\(s\) extra/],
  ];
  for (const [body, msg] of cases) {
    const res = await g.call('POST', '/v1/pipelines/test', body);
    assert.equal(res.status, 400, JSON.stringify(body));
    assert.match(res.json.error.message, msg);
  }
});
