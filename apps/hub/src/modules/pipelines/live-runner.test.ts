import { test, type TestContext } from 'node:test';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import assert from 'node:assert/strict';
import { isOutpostError, type Point } from '@outpost/contract';
import { canonicalJson } from '@outpost/engine';
import { createEngineScriptRunner } from '@outpost/sandbox';
import { HubStore, type Actor } from '@outpost/storage/hub/index';
import { tempDir, waitFor } from '@outpost/testing';
import { hubModelRunner } from '../training/model-runner.js';
import { DEFAULT_LIVE_LIMITS, HubLivePipelines, type LiveLimits } from './live-runner.js';
import type { HubOutputs } from './hub-sinks.js';

const T0 = Date.UTC(2026, 10, 1, 12, 0, 0);
const node = (id: string, kind: string, config: Record<string, unknown> = {}) => ({ id, kind, typeVersion: 1, config });
const doc = (id: string, nodes: object[], edges: object[]) => ({ schemaVersion: 1, id, nodes, edges });
const pts = (n: number, from = 0, device = 'd1'): Point[] => Array.from({ length: n }, (_, i) => ({ device, metric: 'flow', ts: T0 + (from + i) * 1000, value: i }));

/** Log lines kept for assertions (the runner's warnings are part of its contract). */
function recordingLogger() {
  const lines: Array<{ level: string; msg: string }> = [];
  const at = (level: string) => (_o: object, msg?: string) => { lines.push({ level, msg: msg ?? '' }); };
  return { lines, logger: { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') } };
}

async function setup(t: TestContext, limits: Partial<LiveLimits> = {}, outputs?: HubOutputs) {
  const tmp = tempDir('outpost-hub-live-');
  t.after(tmp.cleanup);
  const path = `${tmp.dir}/hub.db`;
  const store = await HubStore.open({ kind: 'sqlite', path });
  await store.tenancy.createOrg(null, 'org-a', 'Acme', T0);
  const actor: Actor = { orgId: 'org-a', id: 'user:u' };
  const log = recordingLogger();
  const make = (s: HubStore) => new HubLivePipelines({
    store: s, now: () => T0 + 120_000, logger: log.logger, scriptRunner: () => createEngineScriptRunner(),
    modelRunner: (orgId) => hubModelRunner(s, orgId), limits: { ...DEFAULT_LIVE_LIMITS, tickIntervalMs: 3_600_000, ...limits }, ...(outputs ? { outputs } : {}),
  });
  const live = make(store);
  await live.start();
  const save = async (d: { id: string }) => (await store.pipelines.save(actor, d.id, canonicalJson(d), null, T0)).version.version;
  const state = { store, live };
  t.after(async () => { await state.live.stop(); await state.store.close(); });
  return { state, actor, log, save, path, make };
}

const passThrough = doc('p', [node('in', 'input', { metrics: ['flow'] }), node('db', 'store', { table: 'seen' })], [{ from: 'in', to: 'db' }]);

test('backpressure: a pipeline that falls behind drops whole batches past its queue limit, counts them and says so once; ingest is never held up', async (t) => {
  const { state, actor, log, save } = await setup(t, { maxQueuedPoints: 150 });
  await state.live.activate(actor, 'p', await save(passThrough), 'activate');
  // accept() is synchronous: the first batch is in the engine, the second waits, the third does not fit.
  state.live.accept('org-a', pts(60, 0));
  state.live.accept('org-a', pts(60, 60));
  state.live.accept('org-a', pts(60, 120));
  state.live.accept('org-b', pts(500, 0));
  assert.equal(state.live.stats('org-a').p?.queuedPoints, 120);
  await state.live.idle();
  const s = state.live.stats('org-a').p!;
  assert.deepEqual([s.points, s.batches, s.droppedPoints, s.droppedBatches, s.queuedPoints], [120, 2, 60, 1, 0]);
  assert.deepEqual(state.live.stats('org-b'), {}, 'another organisation\'s points are not fed to it');
  assert.equal((await state.store.pipelineOutputs.list('org-a', { table: 'seen', limit: 1000 })).length, 120);
  assert.equal(log.lines.filter((l) => l.level === 'warn' && l.msg.includes('is behind')).length, 1);
  state.live.accept('org-a', pts(60, 200));
  await state.live.idle();
  assert.equal(state.live.stats('org-a').p?.points, 180, 'once the queue has room, batches flow again');
});

test('active versions start again after a restart; stopped ones do not', async (t) => {
  const { state, actor, save, path, make } = await setup(t);
  await state.live.activate(actor, 'p', await save(passThrough), 'activate');
  const other = doc('q', passThrough.nodes, passThrough.edges);
  await state.live.activate(actor, 'q', await save(other), 'activate');
  await state.live.deactivate(actor, 'q');
  await state.live.stop();
  await state.store.close();
  state.store = await HubStore.open({ kind: 'sqlite', path });
  state.live = make(state.store);
  await state.live.start();
  assert.deepEqual(Object.keys(state.live.stats('org-a')), ['p']);
  state.live.accept('org-a', pts(3));
  await state.live.idle();
  assert.equal(state.live.stats('org-a').p?.points, 3);
});

test('alert events, failed points and derived points land in the hub; mqtt nodes without hub.pipelines.mqtt.url are refused, naming that key, with nothing activated', async (t) => {
  const { state, actor, save } = await setup(t);
  const alerting = doc('a', [
    node('in', 'input', { metrics: ['flow'] }),
    node('ratio', 'transform', { ops: [{ op: 'derive', metric: 'ratio', expression: '10 / value' }] }),
    node('hot', 'alert', { rule: 'high', when: 'value > 1', severity: 'warning', message: '{device} {metric} {value}' }),
    node('db', 'store', { table: 'points' }),
  ], [{ from: 'in', to: 'ratio' }, { from: 'ratio', to: 'hot' }, { from: 'ratio', to: 'db' }]);
  await state.live.activate(actor, 'a', await save(alerting), 'activate');
  state.live.accept('org-a', pts(3)); // values 0, 1, 2: 10/0 fails, ratios 10 and 5, flow 2 > 1
  await state.live.idle();
  const errors = await state.store.pipelineOutputs.list('org-a', { kind: 'error', limit: 10 });
  assert.deepEqual(errors.map((e) => [e.nodeId, (e.body as { code: string }).code]), [['ratio', 'ERR_ENGINE_EVAL']]);
  const alerts = await state.store.pipelineOutputs.list('org-a', { kind: 'alert', limit: 10 });
  assert.deepEqual(alerts.map((a) => (a.body as { message: string }).message).sort(), ['d1 flow 2', 'd1 ratio 10', 'd1 ratio 5']);
  const ratios = await state.store.series.points('org-a', { deviceId: 'd1', metric: 'ratio', from: T0, to: T0 + 10_000, limit: 10 });
  assert.deepEqual(ratios.map((p) => p.value), [10, 5]);

  const d = doc('out-mqtt', [node('in', 'input', {}), node('o', 'mqtt', { topic: 'x/{device}' })], [{ from: 'in', to: 'o' }]);
  const v = await save(d);
  await assert.rejects(state.live.activate(actor, d.id, v, 'activate'), (e: unknown) => isOutpostError(e, 'ERR_PIPELINE_UNSUPPORTED') && /node 'o'.*hub\.pipelines\.mqtt\.url/s.test((e as Error).message));
  assert.equal((await state.store.pipelines.history('org-a', d.id)).length, 0, 'nothing recorded as active');
  assert.deepEqual(Object.keys(state.live.stats('org-a')), ['a']);
});

test('input nodes match by the hub device\'s type name', async (t) => {
  const { state, actor, save } = await setup(t);
  await state.store.fleet.createDeviceType(actor, { id: 'ty-pump', name: 'pump', metrics: [] }, T0);
  const tok = await state.store.fleet.createRegistrationToken(actor, { id: 'tok', prefix: 'p-tok', secretHash: 'h', deviceTypeId: 'ty-pump', expiresAt: T0 + 60_000 }, T0);
  await state.store.fleet.registerDevice(tok, { id: 'dev-pump', hardwareId: 'hw1', name: 'Pump', credentialPrefix: 'c1', credentialHash: 'ch' }, T0);
  const typed = doc('typed', [node('in', 'input', { deviceTypes: ['pump'] }), node('db', 'store', { table: 'pumps' })], [{ from: 'in', to: 'db' }]);
  await state.live.activate(actor, 'typed', await save(typed), 'activate');
  state.live.accept('org-a', [...pts(2, 0, 'dev-pump'), ...pts(2, 0, 'other-device')]);
  await state.live.idle();
  const rows = await state.store.pipelineOutputs.list('org-a', { table: 'pumps', limit: 10 });
  assert.deepEqual(rows.map((r) => (r.body as Point).device), ['dev-pump', 'dev-pump']);
});

test('webhook nodes on the hub post to their URL with their headers; a failing endpoint turns the items into error rows', async (t) => {
  const received: Array<{ path: string; auth: string | undefined; body: { pipelineId: string; nodeId: string; items: Point[] } }> = [];
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => { body += c; });
    req.on('end', () => {
      received.push({ path: req.url ?? '', auth: req.headers.authorization, body: JSON.parse(body) });
      res.statusCode = req.url === '/broken' ? 500 : 204;
      res.end();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  t.after(() => new Promise<void>((r) => server.close(() => r())));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const { state, actor, save } = await setup(t);
  const hooks = doc('hooks', [
    node('in', 'input', { metrics: ['flow'] }),
    node('ok', 'webhook', { url: `${base}/ok`, headers: { authorization: 'Bearer t0k' } }),
    node('bad', 'webhook', { url: `${base}/broken` }),
  ], [{ from: 'in', to: 'ok' }, { from: 'in', to: 'bad' }]);
  await state.live.activate(actor, 'hooks', await save(hooks), 'activate');
  state.live.accept('org-a', pts(2));
  await state.live.idle();
  await waitFor(() => received.length === 2, { what: 'both posts' });
  const ok = received.find((r) => r.path === '/ok')!;
  assert.deepEqual([ok.auth, ok.body.pipelineId, ok.body.nodeId, ok.body.items.map((p) => p.value)], ['Bearer t0k', 'hooks', 'ok', [0, 1]]);
  const errors = await waitFor(async () => {
    const rows = await state.store.pipelineOutputs.list('org-a', { pipelineId: 'hooks', kind: 'error', limit: 10 });
    return rows.length === 2 ? rows : undefined;
  }, { what: 'the failed post as error rows' });
  assert.deepEqual(errors.map((e) => [e.nodeId, (e.body as { code: string }).code]), [['bad', 'ERR_ENGINE_SINK'], ['bad', 'ERR_ENGINE_SINK']]);
  assert.match((errors[0]!.body as { message: string }).message, /HTTP 500/);
});

test('deduplicate and interpolate nodes run live on the hub: a re-sent point is dropped, a gap is filled', async (t) => {
  const { state, actor, save } = await setup(t);
  const fill = doc('fill', [
    node('in', 'input', { metrics: ['flow'] }),
    node('dedup', 'deduplicate'),
    node('gaps', 'interpolate', { interval: '1s' }),
    node('db', 'store', { table: 'filled' }),
  ], [{ from: 'in', to: 'dedup' }, { from: 'dedup', to: 'gaps' }, { from: 'gaps', to: 'db' }]);
  await state.live.activate(actor, 'fill', await save(fill), 'activate');
  const at = (s: number, value: number): Point => ({ device: 'd1', metric: 'flow', ts: T0 + s * 1000, value });
  state.live.accept('org-a', [at(0, 0), at(1, 10)]);
  state.live.accept('org-a', [at(1, 10), at(4, 40)]); // the point at 1 s again (a re-sent batch), then a 3 s gap
  await state.live.idle();
  const rows = (await state.store.pipelineOutputs.list('org-a', { table: 'filled', limit: 10 })).reverse().map((r) => r.body as Point);
  assert.deepEqual(rows.map((p) => [(p.ts - T0) / 1000, p.value]), [[0, 0], [1, 10], [2, 20], [3, 30], [4, 40]]);
  assert.equal(state.live.stats('org-a').fill?.nodes.dedup?.duplicates, 1, 'the deduplicate node counted the re-sent point');
});

test('hub outbox: the tick deletes expired items; a full outbox evicts the least important items and the node counts them', async (t) => {
  const item = Buffer.byteLength(JSON.stringify(pts(1)[0]));
  const outputs: HubOutputs = { outbox: { maxBytes: item * 4, ttlMs: { critical: 3_600_000, high: 3_600_000, normal: 3_600_000, bulk: 0 } } };
  const { state, actor, save } = await setup(t, { tickIntervalMs: 20 }, outputs);
  const two = doc('two', [node('in', 'input', { metrics: ['flow'] }), node('keep', 'outbox', { priority: 'high' }), node('gone', 'outbox', { priority: 'bulk' })],
    [{ from: 'in', to: 'keep' }, { from: 'in', to: 'gone' }]);
  await state.live.activate(actor, 'two', await save(two), 'activate');
  state.live.accept('org-a', pts(3));
  await state.live.idle();
  const nodes = state.live.stats('org-a').two!.nodes;
  assert.deepEqual([nodes.keep?.outboxQueued, nodes.gone?.outboxQueued, (nodes.keep?.outboxEvicted ?? 0) + (nodes.gone?.outboxEvicted ?? 0)], [3, 3, 2], 'six items in a four-item outbox: two bulk items evicted');
  await waitFor(async () => (await state.store.pipelineExports.usage('org-a')).items === 3, { what: 'the expired bulk item deleted by the tick' });
  const left = await state.store.pipelineExports.read('org-a', { limit: 10, now: T0 });
  assert.deepEqual(left.map((i) => [i.nodeId, (i.body as Point).value]), [['keep', 0], ['keep', 1], ['keep', 2]]);
});
