import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { OnnxModel } from '@outpost/ml';
import { buildMlp } from '@outpost/ml/onnx/build';
import { waitFor } from '@outpost/testing';
import { T0, startTestGateway, testDir } from './gateway-fixture.js';
import { createFileModelRunner } from './model-runner.js';

const node = (id: string, kind: string, config: Record<string, unknown> = {}) => ({ id, kind, typeVersion: 1, config });
const MODEL = buildMlp({ inputs: 2, hidden: [6], outputs: 1, seed: 11 });

test('an ONNX model from gateway.pipelines.modelsDir scores rows of feature metrics in a live pipeline', async (t) => {
  const dir = testDir(t);
  mkdirSync(join(dir, 'models'));
  writeFileSync(join(dir, 'models', 'vib@3.onnx'), MODEL);
  writeFileSync(join(dir, 'models', 'vib@3.meta.json'), JSON.stringify({ features: ['rms', 'temp'] }));
  const g = await startTestGateway(t, dir);
  const pipeline = {
    schemaVersion: 1, id: 'vib',
    nodes: [node('in', 'input', { metrics: ['rms', 'temp'] }), node('m', 'model', { modelId: 'vib', version: '3', outputMetric: 'vib_score' }), node('db', 'store', { table: 'points' })],
    edges: [{ from: 'in', to: 'm' }, { from: 'm', to: 'db' }],
  };
  const saved = await g.call('POST', '/v1/pipelines', { pipeline, activate: true });
  assert.equal(saved.status, 201, JSON.stringify(saved.json));
  const rows = Array.from({ length: 10 }, (_, i) => [Math.sin(i), 20 + i]);
  await g.post(rows.flatMap(([rms, temp], i) => [{ device: 'pump-1', metric: 'rms', ts: T0 + i * 1000, value: rms! }, { device: 'pump-1', metric: 'temp', ts: T0 + i * 1000, value: temp! }]));
  const scores = await waitFor(async () => { const p = (await g.call('GET', '/v1/points?metric=vib_score&from=0')).json.points; return p.length === 10 ? p : undefined; }, { what: 'ONNX scores' });
  const m = await OnnxModel.load(MODEL);
  const want = (await m.run(rows)).map((r) => r.score);
  await m.release();
  // Stored as REAL in SQLite: compare at float32 precision.
  assert.deepEqual(scores.map((p: any) => [p.ts, Math.fround(p.value), p.tags.model]), want.map((s, i) => [T0 + i * 1000, Math.fround(s), 'vib@3']));
});

test('the file runner: an ONNX model with a feature list that does not fit its input is refused at compile; usage is drained for the heartbeat', async (t) => {
  const dir = testDir(t);
  writeFileSync(join(dir, 'bad@1.onnx'), MODEL);
  writeFileSync(join(dir, 'bad@1.meta.json'), JSON.stringify({ features: ['a', 'b', 'c'] }));
  writeFileSync(join(dir, 'ok@1.onnx'), buildMlp({ inputs: 1, hidden: [2], outputs: 1 }));
  writeFileSync(join(dir, 'broken@1.onnx'), MODEL.subarray(0, 40));
  const runner = createFileModelRunner(dir, 1000);
  await assert.rejects(Promise.resolve(runner.load({ modelId: 'bad', version: '1', nodeId: 'n' })), /takes 2 features per row but its metadata names 3/);
  await assert.rejects(Promise.resolve(runner.load({ modelId: 'broken', version: '1', nodeId: 'n' })), /cannot be loaded by onnxruntime/);
  const ok = await runner.load({ modelId: 'ok', version: '1', nodeId: 'n' });
  await ok.predict([1, 2, 3].map((v) => ({ device: 'd', metric: 'x', ts: v, value: v })), { outputMetric: 's' });
  const [u] = runner.usage();
  assert.deepEqual([u!.model, u!.version, u!.count, u!.errors], ['ok', '1', 3, 0]);
  assert.deepEqual(runner.usage(), []);
});
