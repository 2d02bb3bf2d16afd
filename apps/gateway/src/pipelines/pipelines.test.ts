import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { waitFor } from '@outpost/testing';
import { MIN, T0, startTestGateway, testDir, type TestGateway } from './gateway-fixture.js';

const node = (id: string, kind: string, config: Record<string, unknown> = {}) => ({ id, kind, typeVersion: 1, config });
const doc = (id: string, nodes: unknown[], edges: unknown[]) => ({ schemaVersion: 1, id, nodes, edges });
/** temp → derived metric (written back to the raw store as a new series). */
const derive = (metric: string, expression: string) => doc('convert', [
  node('in', 'input', { metrics: ['temp'] }),
  node('calc', 'transform', { ops: [{ op: 'derive', metric, expression }] }),
  node('keep', 'filter', { expression: `metric == '${metric}'` }),
  node('db', 'store', { table: 'points' }),
], [{ from: 'in', to: 'calc' }, { from: 'calc', to: 'keep' }, { from: 'keep', to: 'db' }]);
const pt = (ts: number, value: number, metric = 'temp', device = 'press-1') => ({ device, metric, ts, value });
const stored = async (g: TestGateway, metric: string) => (await g.call('GET', `/v1/points?metric=${metric}&from=0&limit=10000`)).json.points as Array<{ ts: number; value: number }>;

test('pipelines: save is validated with node ids; activate, hot swap and rollback re-point the running version without losing points', async (t) => {
  const g = await startTestGateway(t, testDir(t), {}, { t: T0 + 10 * MIN });
  const v1 = await g.call('POST', '/v1/pipelines', derive('temp_f', 'value * 1.8 + 32'));
  assert.equal(v1.status, 201);
  assert.equal(v1.json.version, 1);
  assert.equal((await g.call('POST', '/v1/pipelines', derive('temp_f', 'value * 1.8 + 32'))).json.created, false, 'same content is not a new version');
  const v2 = await g.call('POST', '/v1/pipelines', { pipeline: derive('temp_k', 'value + 273'), note: 'kelvin' });
  assert.equal(v2.json.version, 2);
  assert.equal((await g.call('POST', '/v1/pipelines/convert/activate', { version: 1 })).status, 200);

  await g.post([pt(T0, 10)]);
  await waitFor(async () => (await stored(g, 'temp_f')).length === 1, { what: 'v1 output' });
  assert.equal((await stored(g, 'temp_f'))[0]!.value, 50);

  // Swap while points keep arriving: every point comes out exactly once, from v1 or v2.
  const sends = Array.from({ length: 40 }, (_, i) => g.post([pt(T0 + 1000 + i, i)]));
  const swap = g.call('POST', '/v1/pipelines/convert/activate', { version: 2 });
  await Promise.all(sends);
  assert.equal((await swap).status, 200);
  await g.post([pt(T0 + 5000, 0)]);
  await waitFor(async () => (await stored(g, 'temp_f')).length + (await stored(g, 'temp_k')).length === 42, { what: 'all 42 outputs' });
  assert.ok((await stored(g, 'temp_k')).some((p) => p.ts === T0 + 5000 && p.value === 273));

  const rb = await g.call('POST', '/v1/pipelines/convert/rollback');
  assert.deepEqual([rb.status, rb.json.version], [200, 1]);
  await g.post([pt(T0 + 6000, 100)]);
  await waitFor(async () => (await stored(g, 'temp_f')).some((p) => p.ts === T0 + 6000 && p.value === 212), { what: 'v1 again after rollback' });

  const list = await g.call('GET', '/v1/pipelines');
  assert.deepEqual(list.json.pipelines.map((p: any) => [p.id, p.latestVersion, p.activeVersion]), [['convert', 2, 1]]);
  assert.equal(list.json.pipelines[0].running.points, 43);
  const versions = await g.call('GET', '/v1/pipelines/convert/versions');
  assert.deepEqual(versions.json.versions.map((v: any) => [v.version, v.active, v.note ?? null]), [[1, true, null], [2, false, 'kelvin']]);
  assert.equal(versions.json.versions[1].doc.nodes[1].config.ops[0].metric, 'temp_k');

  assert.equal((await g.call('POST', '/v1/pipelines/convert/activate', { version: 9 })).json.error.code, 'ERR_PIPELINE_VERSION');
  assert.equal((await g.call('POST', '/v1/pipelines/convert/activate', {})).status, 400);
  assert.equal((await g.call('GET', '/v1/pipelines/nope/versions')).status, 404);
});

test('pipelines: a hot swap keeps the open windows of unchanged nodes', async (t) => {
  const g = await startTestGateway(t, testDir(t), {}, { t: T0 + 2 * MIN });
  const agg = node('agg', 'aggregate', { window: { type: 'tumbling', size: '1m' }, functions: ['count', 'sum'] });
  const a = doc('counts', [node('in', 'input', { metrics: ['temp'] }), agg, node('db', 'store', { table: 'points' })], [{ from: 'in', to: 'agg' }, { from: 'agg', to: 'db' }]);
  const b = doc('counts', [node('in', 'input', { metrics: ['temp'] }), agg, node('db', 'store', { table: 'points' }), node('hot', 'filter', { expression: 'value > 50' }), node('log', 'store', { table: 'hot' })],
    [{ from: 'in', to: 'agg' }, { from: 'agg', to: 'db' }, { from: 'in', to: 'hot' }, { from: 'hot', to: 'log' }]);
  await g.call('POST', '/v1/pipelines', { pipeline: a, activate: true });
  await g.post([pt(T0 + 1000, 1), pt(T0 + 2000, 2)]);
  const swapped = await g.call('POST', '/v1/pipelines', { pipeline: b, activate: true });
  assert.deepEqual(swapped.json.keptState.sort(), ['agg', 'db', 'in']);
  await g.post([pt(T0 + 3000, 3)]);
  await g.post([pt(T0 + MIN + 1000, 4)]);
  const count = await waitFor(async () => (await stored(g, 'temp_count'))[0], { what: 'window closed' });
  assert.deepEqual([count.ts, count.value], [T0, 3], 'points before and after the swap are in one window');
  assert.equal((await stored(g, 'temp_sum'))[0]!.value, 6);
  // The branch added by the swap writes to its own table.
  await g.post([pt(T0 + MIN + 2000, 70)]);
  const hotRows = await waitFor(async () => { const o = (await g.call('GET', '/v1/pipelines/outputs?table=hot')).json.outputs; return o.length > 0 ? o : undefined; }, { what: 'hot table row' });
  assert.deepEqual(hotRows.map((r: any) => [r.pipelineId, r.nodeId, r.table, r.item.value]), [['counts', 'log', 'hot', 70]]);
  // Local output tables follow the raw retention (7 days by default).
  g.clock.t += 8 * 86_400_000;
  await waitFor(async () => (await g.call('GET', '/v1/pipelines/outputs?table=hot')).json.outputs.length === 0, { what: 'outputs trimmed' });
});

test('pipelines: bad documents are 400 with every problem and its node id; a failing point becomes a dead letter', async (t) => {
  const g = await startTestGateway(t, testDir(t), {}, { t: T0 + MIN });
  const cyclic = await g.call('POST', '/v1/pipelines', doc('loop', [node('in', 'input'), node('a', 'filter', { expression: 'value > 1' }), node('b', 'filter', { expression: 'value > 2' }), node('db', 'store', { table: 'x' })],
    [{ from: 'in', to: 'a' }, { from: 'a', to: 'b' }, { from: 'b', to: 'a' }, { from: 'b', to: 'db' }]));
  assert.equal(cyclic.status, 400);
  assert.equal(cyclic.json.error.code, 'ERR_PIPELINE_INVALID');
  assert.match(cyclic.json.error.message, /cycle/);
  assert.deepEqual([...new Set(cyclic.json.error.details.issues.map((i: any) => i.nodeId))].sort(), ['a', 'b']);
  const unknownKind = await g.call('POST', '/v1/pipelines', doc('x', [node('in', 'input'), node('magic', 'teleport')], [{ from: 'in', to: 'magic' }]));
  assert.equal(unknownKind.status, 400);
  assert.ok(unknownKind.json.error.details.issues.some((i: any) => i.nodeId === 'magic' && /teleport/.test(i.message)));
  const badExpr = await g.call('POST', '/v1/pipelines', doc('x', [node('in', 'input'), node('f', 'filter', { expression: 'value > > 3' }), node('db', 'store', { table: 'x' })], [{ from: 'in', to: 'f' }, { from: 'f', to: 'db' }]));
  assert.equal(badExpr.json.error.code, 'ERR_PIPELINE_EXPRESSION');
  assert.deepEqual([badExpr.json.error.details.issues[0].nodeId, typeof badExpr.json.error.details.issues[0].position], ['f', 'number']);
  const outbox = await g.call('POST', '/v1/pipelines', doc('x', [node('in', 'input'), node('up', 'outbox', { priority: 'high' })], [{ from: 'in', to: 'up' }]));
  assert.equal(outbox.json.error.code, 'ERR_PIPELINE_UNSUPPORTED', 'the uplink is disabled here');
  assert.match(outbox.json.error.details.issues[0].message, /gateway\.uplink\.enabled/, 'the error names the setting that enables it');
  assert.equal((await g.call('POST', '/v1/pipelines', '{"nodes": ')).status, 400);
  assert.deepEqual((await g.call('GET', '/v1/pipelines')).json.pipelines, [], 'nothing was saved');

  await g.call('POST', '/v1/pipelines', { pipeline: derive('inv', '100 / value'), activate: true });
  await g.post([pt(T0, 0), pt(T0 + 1, 4)]);
  await waitFor(async () => (await stored(g, 'inv')).length === 1, { what: 'good point through' });
  const dl = await waitFor(async () => (await g.call('GET', '/v1/dead-letters')).json.deadLetters.find((d: any) => d.reason === 'ERR_ENGINE_EVAL'), { what: 'dead letter' });
  assert.equal(dl.source, 'pipeline');
  assert.match(dl.message, /division by zero/);
  assert.match(dl.raw, /"value":0/);
});

test('pipelines: files in gateway.pipelines.files run at start-up; an API rollback survives a restart with an unchanged file', async (t) => {
  const dir = testDir(t);
  const file = join(dir, 'convert.json');
  writeFileSync(file, JSON.stringify(derive('temp_f', 'value * 1.8 + 32')));
  const clock = { t: T0 + MIN };
  const a = await startTestGateway(t, dir, { pipelines: { files: [file] } }, clock);
  await a.post([pt(T0, 0)]);
  await waitFor(async () => (await stored(a, 'temp_f')).length === 1, { what: 'file pipeline output' });
  await a.call('POST', '/v1/pipelines', { pipeline: derive('temp_k', 'value + 273'), activate: true });
  await a.gw.stop();
  const b = await startTestGateway(t, dir, { pipelines: { files: [file] } }, clock);
  assert.deepEqual((await b.call('GET', '/v1/pipelines')).json.pipelines.map((p: any) => [p.latestVersion, p.activeVersion]), [[2, 2]]);
  await b.gw.stop();
  writeFileSync(file, 'not json');
  await assert.rejects(startTestGateway(t, dir, { pipelines: { files: [file] } }, clock), /gateway\.pipelines\.files: cannot read pipeline document/);
});
