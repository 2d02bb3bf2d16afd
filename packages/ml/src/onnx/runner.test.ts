import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isOutpostError, type Point } from '@outpost/contract';
import { ModelMonitor } from '../monitoring/monitor.js';
import { buildMlp } from './build.js';
import { ModelCache } from './cache.js';
import { OnnxModel } from './session.js';
import { OnnxModelRunner } from './runner.js';

const ref = { modelId: 'vib', version: '1', nodeId: 'm' };

test('a one-feature ONNX model scores every point; output points keep device, time and tags', async () => {
  const monitor = new ModelMonitor();
  const runner = new OnnxModelRunner({ resolve: () => ({ bytes: buildMlp({ inputs: 1, hidden: [4], outputs: 1 }) }), monitor });
  const node = await runner.load(ref);
  const pts: Point[] = [1, 2, 3].map((v, i) => ({ device: 'd1', metric: 'rms', ts: i, value: v, tags: { line: 'A' } }));
  const direct = await runner.withModel('vib', '1', (m) => m.run([[1], [2], [3]]));
  const out = await node.predict(pts, { outputMetric: 'vib_score' });
  assert.deepEqual(out.map((p) => [p.device, p.metric, p.ts, p.value, p.tags?.line, p.tags?.model]), direct.map((r, i) => ['d1', 'vib_score', i, r.score, 'A', 'vib@1']));
  assert.equal(monitor.drain()[0]!.count, 3);
});

test('feature metrics of one device and timestamp form one row, across batches', async () => {
  const runner = new OnnxModelRunner({ resolve: () => ({ bytes: buildMlp({ inputs: 2, hidden: [4], outputs: 1 }), meta: { features: ['temp', 'rpm'] } }) });
  const node = await runner.load(ref);
  const p = (device: string, metric: string, ts: number, value: number): Point => ({ device, metric, ts, value });
  assert.deepEqual(await node.predict([p('a', 'temp', 1, 20), p('b', 'temp', 1, 21), p('a', 'other', 1, 5)], { outputMetric: 's' }), []);
  const out = await node.predict([p('a', 'rpm', 1, 900), p('b', 'temp', 2, 22), p('b', 'rpm', 2, 950)], { outputMetric: 's' });
  const direct = await runner.withModel('vib', '1', (m) => m.run([[20, 900], [22, 950]]));
  assert.deepEqual(out.map((x) => [x.device, x.ts, x.value]), [['a', 1, direct[0]!.score], ['b', 2, direct[1]!.score]]);
  assert.equal(node.incomplete, 1); // b@1 never got its rpm
});

test('a model whose width does not match its feature metadata is refused at load', async () => {
  const runner = new OnnxModelRunner({ resolve: () => ({ bytes: buildMlp({ inputs: 3, hidden: [2], outputs: 1 }), meta: { features: ['a', 'b'] } }) });
  await assert.rejects(runner.load(ref), (e: unknown) => isOutpostError(e) && /takes 3 features per row but its metadata names 2/.test((e as Error).message));
});

test('the LRU cache keeps the budget, evicts the least recently used, and never releases a model in use', async () => {
  const released: string[] = [];
  const cache = new ModelCache<string>(100, (v) => { released.push(v); });
  const load = (v: string) => async () => v;
  await cache.use('a', 40, load('a'), async () => undefined);
  await cache.use('b', 40, load('b'), async () => undefined);
  await cache.use('a', 40, load('a'), async () => undefined); // a is now the most recent
  let finish!: () => void;
  const inUse = cache.use('c', 40, load('c'), () => new Promise<void>((r) => { finish = r; }));
  await new Promise((r) => setImmediate(r));
  assert.deepEqual(released, ['b']);
  cache.invalidate('c'); // swapped while a call runs: released only when the call ends
  await new Promise((r) => setImmediate(r));
  assert.deepEqual(released, ['b']);
  finish();
  await inUse;
  await new Promise((r) => setImmediate(r));
  assert.deepEqual(released, ['b', 'c']);
  assert.deepEqual(cache.stats(), { models: 1, bytes: 40, budgetBytes: 100 });
  await assert.rejects(cache.use('huge', 101, load('huge'), async () => undefined), (e: unknown) => isOutpostError(e) && e.code === 'ERR_MODEL_TOO_LARGE');
});

test('concurrent calls during a model swap all answer, from the old or the new version', async () => {
  const v1 = buildMlp({ inputs: 2, hidden: [3], outputs: 1, seed: 1 });
  const v2 = buildMlp({ inputs: 2, hidden: [3], outputs: 1, seed: 2 });
  let bytes = v1;
  const runner = new OnnxModelRunner({ resolve: () => ({ bytes }) });
  const expected = async (b: Uint8Array) => { const m = await OnnxModel.load(b); try { return (await m.run([[1, 2]]))[0]!.score; } finally { await m.release(); } };
  const [s1, s2] = [await expected(v1), await expected(v2)];
  const calls: Promise<number>[] = [];
  for (let i = 0; i < 50; i++) {
    if (i === 25) { bytes = v2; runner.forget('vib', '1'); }
    calls.push(runner.withModel('vib', '1', async (m) => (await m.run([[1, 2]]))[0]!.score));
  }
  const scores = await Promise.all(calls);
  assert.ok(scores.every((s) => s === s1 || s === s2));
  assert.ok(scores.includes(s1) && scores.includes(s2));
});
