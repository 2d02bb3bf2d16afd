import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isOutpostError, type Point } from '@outpost/contract';
import { makeArtifact } from './artifact.js';
import { DetectorModelRunner } from './runner.js';

const MIN = 60_000;
const ref = { modelId: 'press-temp', version: '3', nodeId: 'n1' };
const artifact = makeArtifact({ kind: 'zscore', params: { window: 50 }, threshold: 0.6 });

function points(device: string, n: number, spikeAt = -1): Point[] {
  return Array.from({ length: n }, (_, i) => ({ device, metric: 'temp', ts: i * MIN, value: 20 + Math.sin(i / 5) + (i === spikeAt ? 30 : 0), tags: { line: 'A' } }));
}

test('a model node scores each stream separately and marks the injected fault as an anomaly', async () => {
  const m = await new DetectorModelRunner({ resolve: () => JSON.stringify(artifact) }).load(ref);
  const a = points('d1', 200, 150);
  const b = points('d2', 200);
  const out = m.predict([...a, ...b], { outputMetric: 'anomaly_score' });
  assert.equal(m.streams(), 2);
  const flagged = out.filter((p) => p.tags?.anomaly === 'true');
  assert.deepEqual(flagged.map((p) => [p.device, p.ts]), [['d1', 150 * MIN]]);
  const hit = flagged[0]!;
  assert.equal(hit.metric, 'anomaly_score');
  assert.deepEqual({ ...hit.tags, explanation: undefined }, { line: 'A', source_metric: 'temp', label: 'spike', anomaly: 'true', explanation: undefined, model: 'press-temp@3' });
  assert.match(hit.tags!.explanation!, /σ above the 50-sample mean/);
  assert.ok(out.every((p) => typeof p.value === 'number' && p.value >= 0 && p.value <= 1));
  assert.ok(m.stateBytes() > 0);
});

test('bad-quality and non-numeric points are missing samples; a bad artifact fails at load', async () => {
  const m = await new DetectorModelRunner({ resolve: () => artifact }).load(ref);
  m.predict(points('d1', 100), { outputMetric: 's' });
  const out = m.predict([
    { device: 'd1', metric: 'temp', ts: 100 * MIN, value: null, quality: 'bad' },
    { device: 'd1', metric: 'temp', ts: 101 * MIN, value: 'E42' },
  ], { outputMetric: 's' });
  assert.deepEqual(out.map((p) => p.tags?.label), ['missingness', 'missingness']);
  await assert.rejects(new DetectorModelRunner({ resolve: () => ({ ...artifact, version: 9 }) }).load(ref), (e: unknown) => isOutpostError(e, 'ERR_ML_ARTIFACT_INVALID'));
  await assert.rejects(new DetectorModelRunner({ resolve: () => ({ ...artifact, kind: 'lstm-ae', params: {} }) }).load(ref),
    (e: unknown) => isOutpostError(e, 'ERR_ML_ARTIFACT_INVALID') && /no trained model/.test((e as Error).message));
});

test('a node refuses streams beyond its cap instead of growing without bound', async () => {
  const m = await new DetectorModelRunner({ resolve: () => artifact, maxStreams: 2 }).load(ref);
  m.predict([...points('d1', 1), ...points('d2', 1)], { outputMetric: 's' });
  assert.throws(() => m.predict(points('d3', 1), { outputMetric: 's' }), (e: unknown) => isOutpostError(e, 'ERR_ENGINE_KEY_LIMIT') && /d3/.test((e as Error).message));
  m.dispose();
  assert.equal(m.streams(), 0);
});
