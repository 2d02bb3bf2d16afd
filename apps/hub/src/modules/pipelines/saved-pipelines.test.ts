import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { encodeBatch, encodePointSet, UPLINK_HEADERS, UPLINK_PATHS } from '@outpost/contract/wire/index';
import { waitFor } from '@outpost/testing';
import { assertError, hubFixture, T0, type Adapter, type Fixture } from '../../testkit/fixture.js';

const node = (id: string, kind: string, config: Record<string, unknown> = {}) => ({ id, kind, typeVersion: 1, config });
/** flow → a derived per-minute or per-hour rate stored as points, and 1-minute averages in the outputs table. */
const line = (factor: number) => ({
  schemaVersion: 1, id: 'line',
  nodes: [
    node('in', 'input', { metrics: ['flow'] }),
    node('rate', 'transform', { ops: [{ op: 'derive', metric: 'flow_rate', expression: `value * ${factor}` }] }),
    node('pts', 'store', { table: 'points' }),
    node('agg', 'aggregate', { window: { type: 'tumbling', size: '1m' }, functions: ['avg'] }),
    node('minute', 'store', { table: 'minute' }),
  ],
  edges: [{ from: 'in', to: 'rate' }, { from: 'rate', to: 'pts' }, { from: 'in', to: 'agg' }, { from: 'agg', to: 'minute' }],
});

async function device(f: Fixture, token: string) {
  const reg = await f.call('POST', '/v1/registration-tokens', { token, body: {} });
  const dev = (await f.call('POST', '/v1/register', { body: { token: reg.json.token, hardwareId: 'pump-7' } })).json as { deviceId: string };
  const key = (await f.call('POST', '/v1/api-keys', { token, body: { name: 'ingest', scopes: ['ingest'] } })).json.secret as string;
  const ingest = async (values: Array<[number, number]>) => {
    const r = await f.call('POST', '/v1/ingest', { apiKey: key, body: { device_external_id: 'pump-7', metrics: values.map(([ts, value]) => ({ name: 'flow', ts, value })) } });
    assert.equal(r.status, 202, r.body);
    await waitFor(async () => (await f.call('GET', `/v1/ingest/batches/${r.json.batchId}`, { token })).json.status === 'stored', { what: 'batch stored' });
    await f.app.pipelines.idle();
  };
  return { deviceId: dev.deviceId, ingest };
}

for (const adapter of ['sqlite', 'postgres'] as Adapter[]) {
  test(`hub pipelines (${adapter}): immutable versions, read by name@version, diff of two versions, org isolation, bad documents change nothing`, async (t) => {
    const f = await hubFixture(t, adapter);
    if (!f) return;
    const { token } = await f.setup();
    const v1 = await f.call('POST', '/v1/pipelines', { token, body: line(60) });
    assert.equal(v1.status, 201, v1.body);
    assert.deepEqual([v1.json.pipelineId, v1.json.version, v1.json.created], ['line', 1, true]);
    const same = await f.call('POST', '/v1/pipelines', { token, body: { pipeline: line(60), note: 'again' } });
    assert.deepEqual([same.status, same.json.version, same.json.created], [200, 1, false]);
    const v2 = await f.call('POST', '/v1/pipelines', { token, body: { pipeline: line(3600), note: 'per hour' } });
    assert.deepEqual([v2.status, v2.json.version], [201, 2]);

    const cyclic = { ...line(1), nodes: [...line(1).nodes, node('x', 'nope'), node('f', 'filter', { expression: 'value > 0' })], edges: [...line(1).edges, { from: 'rate', to: 'f' }, { from: 'f', to: 'rate' }] };
    const bad = await f.call('POST', '/v1/pipelines', { token, body: cyclic });
    assertError(bad, 400, 'ERR_PIPELINE_INVALID');
    const ids = bad.json.error.details.issues.map((i: { nodeId: string }) => i.nodeId);
    assert.ok(ids.includes('x') && ids.includes('rate') && ids.includes('f'), bad.body);
    assertError(await f.call('POST', '/v1/pipelines', { token, body: { pipeline: line(2), extra: 1 } }), 400, 'ERR_QUERY_INVALID');
    const expr = await f.call('POST', '/v1/pipelines', { token, body: line('(' as unknown as number) });
    assertError(expr, 400, 'ERR_PIPELINE_EXPRESSION');
    assert.equal(expr.json.error.details.issues[0].nodeId, 'rate');

    const versions = await f.call('GET', '/v1/pipelines/line/versions', { token });
    assert.deepEqual(versions.json.versions.map((v: { version: number; note: string | null }) => [v.version, v.note]), [[1, null], [2, 'per hour']], 'bad documents saved nothing');
    const one = await f.call('GET', '/v1/pipelines/line/versions/1', { token });
    assert.equal(one.status, 200, one.body);
    assert.deepEqual(one.json.doc, line(60));
    assert.equal(one.json.hash, v1.json.hash);
    assert.equal((await f.call('GET', '/v1/pipelines/line', { token })).json.version, 2);
    assertError(await f.call('GET', '/v1/pipelines/nope', { token }), 404, 'ERR_PIPELINE_VERSION');
    assertError(await f.call('GET', '/v1/pipelines/line/versions/9', { token }), 404, 'ERR_PIPELINE_VERSION');
    assertError(await f.call('GET', '/v1/pipelines/nope/versions', { token }), 404, 'ERR_PIPELINE_VERSION');
    const list = await f.call('GET', '/v1/pipelines', { token });
    assert.deepEqual(list.json.pipelines.map((p: any) => [p.id, p.latestVersion, p.activeVersion, p.running]), [['line', 2, null, null]]);

    const other = await f.org('Globex');
    assertError(await f.call('GET', '/v1/pipelines/line/versions/1', { token: other.token }), 404, 'ERR_PIPELINE_VERSION');
    assert.deepEqual((await f.call('GET', '/v1/pipelines', { token: other.token })).json.pipelines, []);

    const points = [{ device: 'd', metric: 'flow', ts: T0, value: 2 }, { device: 'd', metric: 'flow', ts: T0 + 1000, value: 4 }];
    const diff = await f.call('POST', '/v1/pipelines/line/diff', { token, body: { a: 1, b: 2, points } });
    assert.equal(diff.status, 200, diff.body);
    assert.equal(diff.json.diff.equal, false);
    const pts = diff.json.diff.outputs.find((o: { nodeId: string }) => o.nodeId === 'pts');
    assert.deepEqual([pts.onlyInA.map((p: any) => p.value), pts.onlyInB.map((p: any) => p.value)], [[120, 240], [7200, 14400]]);
    assert.equal(diff.json.diff.outputs.some((o: { nodeId: string }) => o.nodeId === 'minute'), false, 'the unchanged aggregate gives equal outputs');
    assert.equal((await f.call('POST', '/v1/pipelines/line/diff', { token, body: { a: 1, b: 1, points } })).json.diff.equal, true);
    assertError(await f.call('POST', '/v1/pipelines/line/diff', { token, body: { a: 1, b: 5, points } }), 404, 'ERR_PIPELINE_VERSION');
    assertError(await f.call('POST', '/v1/pipelines/line/diff', { token, body: { a: 1, b: 2 } }), 400, 'ERR_QUERY_INVALID');
    assert.equal((await f.call('POST', '/v1/pipelines', { body: line(5) })).status, 401);
  });

  test(`hub pipelines (${adapter}): an activated version runs on ingested data; hot swap keeps unchanged windows; rollback; deactivate emits open windows; replay diff`, async (t) => {
    const f = await hubFixture(t, adapter);
    if (!f) return;
    const { token } = await f.setup();
    const { deviceId, ingest } = await device(f, token);
    await f.call('POST', '/v1/pipelines', { token, body: line(60) });
    await f.call('POST', '/v1/pipelines', { token, body: line(3600) });
    const derived = async () => (await f.call('GET', `/v1/points?device=${deviceId}&metric=flow_rate&from=${T0}&to=${T0 + 600_000}`, { token })).json.items.map((p: any) => [p.ts - T0, p.value]);
    const minutes = async () => (await f.call('GET', '/v1/pipelines/outputs?pipeline=line&table=minute', { token })).json.outputs.map((o: any) => [o.body.ts - T0, o.body.value]).reverse();

    await ingest([[T0, 1]]);
    assert.deepEqual(await derived(), [], 'nothing runs before activation');
    const act = await f.call('POST', '/v1/pipelines/line/activate', { token, body: { version: 1 } });
    assert.deepEqual([act.status, act.json.version, act.json.keptState], [200, 1, []], act.body);
    await ingest([[T0 + 10_000, 2], [T0 + 30_000, 4]]);
    assert.deepEqual(await derived(), [[10_000, 120], [30_000, 240]]);

    const swap = await f.call('POST', '/v1/pipelines/line/activate', { token, body: { version: 2 } });
    assert.deepEqual([...swap.json.keptState].sort(), ['agg', 'in', 'minute', 'pts'], 'only the changed node is rebuilt');
    await ingest([[T0 + 50_000, 6], [T0 + 61_000, 8]]);
    assert.deepEqual((await derived()).slice(2), [[50_000, 21_600], [61_000, 28_800]]);
    assert.deepEqual(await minutes(), [[0, 4]], 'the minute window kept the points from before the swap (2, 4, 6)');

    const back = await f.call('POST', '/v1/pipelines/line/rollback', { token, body: {} });
    assert.equal(back.json.version, 1, back.body);
    const list = (await f.call('GET', '/v1/pipelines', { token })).json.pipelines[0];
    assert.deepEqual([list.activeVersion, list.running.version, list.running.points, list.running.droppedPoints], [1, 1, 4, 0]);
    assert.equal(list.running.nodes.agg.keys, 1);

    const off = await f.call('POST', '/v1/pipelines/line/deactivate', { token });
    assert.equal(off.status, 200, off.body);
    assert.deepEqual(await minutes(), [[0, 4], [60_000, 8]], 'the open window is emitted when the pipeline stops');
    assertError(await f.call('POST', '/v1/pipelines/line/deactivate', { token }), 404, 'ERR_PIPELINE_VERSION');
    await ingest([[T0 + 70_000, 9]]);
    assert.equal((await derived()).length, 4, 'a stopped pipeline sees no more points');
    assertError(await f.call('POST', '/v1/pipelines/line/activate', { token, body: { version: 7 } }), 404, 'ERR_PIPELINE_VERSION');
    assert.deepEqual((await f.call('GET', '/v1/pipelines/line/versions', { token })).json.activations.map((a: any) => [a.version, a.reason]),
      [[null, 'deactivate'], [1, 'rollback'], [2, 'activate'], [1, 'activate']]);

    const replay = await f.call('POST', '/v1/pipelines/line/diff', { token, body: { a: 1, b: 2, replay: { device: deviceId, metric: 'flow', from: T0, to: T0 + 600_000 } } });
    assert.equal(replay.status, 200, replay.body);
    assert.equal(replay.json.points, 6);
    assert.equal(replay.json.diff.outputs.find((o: any) => o.nodeId === 'pts').countB, 12, 'derive keeps the flow point and adds flow_rate');
  });
}

test('hub pipelines: uplinked gateway points run live in the form the hub stores them, so a replay of the stored series gives the same outputs', async (t) => {
  const f = await hubFixture(t, 'sqlite');
  assert.ok(f);
  const { token } = await f.setup();
  const reg = await f.call('POST', '/v1/registration-tokens', { token, body: {} });
  const gw = (await f.call('POST', '/v1/register', { body: { token: reg.json.token, hardwareId: 'gw-hw' } })).json as { deviceId: string; deviceToken: { token: string } };
  const doc = {
    schemaVersion: 1, id: 'gwline',
    nodes: [node('in', 'input', { metrics: ['press-1/temp'] }), node('f', 'transform', { ops: [{ op: 'derive', metric: 'temp_f', expression: 'value * 1.8 + 32' }] }), node('pts', 'store', { table: 'points' })],
    edges: [{ from: 'in', to: 'f' }, { from: 'f', to: 'pts' }],
  };
  assert.equal((await f.call('POST', '/v1/pipelines', { token, body: { pipeline: doc, activate: true } })).status, 201);
  const points = [{ device: 'press-1', metric: 'temp', ts: T0, value: 10 }, { device: 'press-1', metric: 'temp', ts: T0 + 1000, value: 20 }, { device: 'press-2', metric: 'temp', ts: T0, value: 99 }];
  const body = Buffer.from(encodeBatch({ gateway: gw.deviceId, stream: 's1', seq: 1, createdMs: T0, items: [{ id: 1, class: 'normal', kind: 'points', createdMs: T0, body: encodePointSet(points) }] }));
  const headers = {
    'content-type': 'application/x-protobuf', [UPLINK_HEADERS.gateway]: gw.deviceId, [UPLINK_HEADERS.token]: gw.deviceToken.token,
    [UPLINK_HEADERS.stream]: 's1', [UPLINK_HEADERS.seq]: '1', [UPLINK_HEADERS.sha256]: createHash('sha256').update(body).digest('hex'),
  };
  const up = await f.app.inject({ method: 'POST', url: UPLINK_PATHS.batches, payload: body, headers });
  assert.equal(up.statusCode, 200, up.body);
  assert.equal(up.json().result, 'stored');
  await f.app.pipelines.idle();
  const live = (await f.call('GET', `/v1/points?device=${gw.deviceId}&metric=temp_f&from=${T0}&to=${T0 + 60_000}`, { token })).json.items.map((p: any) => p.value);
  assert.deepEqual(live, [50, 68], 'only press-1 matched; derived points are stored under the gateway');
  const replay = await f.call('POST', '/v1/pipelines/test', { token, body: { pipeline: doc, replay: { device: gw.deviceId, metric: 'press-1/temp', from: T0, to: T0 + 60_000 } } });
  assert.deepEqual(replay.json.result.outputs.pts.items.filter((p: any) => p.metric === 'temp_f').map((p: any) => p.value), live);
  const again = await f.app.inject({ method: 'POST', url: UPLINK_PATHS.batches, payload: body, headers });
  assert.equal(again.json().result, 'duplicate');
  await f.app.pipelines.idle();
  assert.equal((await f.call('GET', '/v1/pipelines', { token })).json.pipelines[0].running.points, 3, 'a re-sent batch is not fed again');
});
