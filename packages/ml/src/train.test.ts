import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isOutpostError, type OutpostError } from '@outpost/contract';
import { parseArtifact } from './artifact.js';
import { estimateTraining, trainDetector, type TrainProgress } from './train.js';
import { detectorFromArtifact } from './artifact.js';
import type { IsolationForestModel } from './detectors/iforest-model.js';

const MIN = 60_000;
function series(n: number, spikes: number[]): { ts: number[]; values: number[]; labels: Array<[number, number]> } {
  const ts = Array.from({ length: n }, (_, i) => i * MIN);
  const values = ts.map((_, i) => 50 + 5 * Math.sin(i / 20) + ((i * 7919) % 13) / 13);
  for (const s of spikes) values[s] = values[s]! + 40;
  return { ts, values, labels: spikes.map((s): [number, number] => [(s - 5) * MIN, (s + 5) * MIN]) };
}

test('training on an empty range or a single value is a clear user error', async () => {
  for (const values of [[], [3], [NaN, 4]]) {
    await assert.rejects(trainDetector({ kind: 'iforest', ts: values.map((_, i) => i), values }),
      (e: unknown) => isOutpostError(e, 'ERR_ML_TRAINING_DATA') && /at least 2 are needed/.test((e as Error).message));
  }
});

test('a grid that would run too long is refused before it starts, with the estimate', async () => {
  const req = { kind: 'novelty', ts: new Float64Array(2_000_000), values: new Float64Array(2_000_000), grid: { history: [100, 200, 400, 800, 1600], suppress: [10, 50, 100, 200], seasonWeight: [0, 0.5, 1] } };
  const est = (() => { try { return estimateTraining(req); } catch (e) { return e; } })();
  assert.ok(isOutpostError(est, 'ERR_ML_GRID_TOO_LARGE'));
  assert.equal((est as OutpostError).details?.combinations, 60);
  assert.match((est as Error).message, /60 combination\(s\) over 2000000 points, about \d+ s/);
  let progressed = false;
  await assert.rejects(trainDetector({ ...req, labels: [[0, 1]], onProgress: (p) => { if (p.stage !== 'estimating') progressed = true; } }), (e: unknown) => isOutpostError(e, 'ERR_ML_GRID_TOO_LARGE'));
  assert.equal(progressed, false, 'nothing ran');
  assert.equal(estimateTraining({ kind: 'zscore', ts: [1, 2], values: [1, 2] }).combinations, 1);
});

test('grid search picks the best combination on the labels, reports progress and yields an artifact', async () => {
  const s = series(6000, [3000, 4500]);
  const seen: TrainProgress[] = [];
  const res = await trainDetector({ kind: 'zscore', ...s, grid: { window: [20, 200], zRef: [3, 6] }, onProgress: (p) => seen.push(p) });
  assert.equal(res.tried.length, 4);
  assert.ok(res.tried[0]!.nabStandard >= res.tried[3]!.nabStandard);
  assert.deepEqual(res.artifact.params, { ...res.tried[0]!.params });
  assert.ok(res.evaluation!.nab.standard.detectedWindows === 2, 'both labelled spikes found');
  assert.equal(res.evaluation!.precision, 1, 'only the spikes reach the chosen threshold');
  assert.ok(res.evaluation!.rocAuc >= 0 && res.evaluation!.rocAuc <= 1);
  assert.equal(seen[0]!.stage, 'estimating');
  assert.equal(seen.at(-1)!.stage, 'done');
  assert.equal(seen.at(-1)!.percent, 100);
  for (let i = 1; i < seen.length; i++) assert.ok(seen[i]!.percent >= seen[i - 1]!.percent, 'percent never goes back');
  assert.ok(seen.some((p) => p.stage === 'searching' && p.etaSeconds !== null));
  parseArtifact(JSON.parse(JSON.stringify(res.artifact)));
});

test('an iforest is fitted on history with hand-set parameters and scores new data', async () => {
  const s = series(3000, []);
  const res = await trainDetector({ kind: 'iforest', ts: s.ts, values: s.values, params: { window: 20, trees: 30 } });
  assert.equal((res.artifact.model as IsolationForestModel).trees.length, 30);
  assert.equal(res.artifact.trainedOn.points, 3000);
  assert.equal(res.evaluation, null);
  const d = detectorFromArtifact(res.artifact);
  let last = null;
  for (let i = 0; i < 100; i++) last = d.update(i * MIN, s.values[i]!);
  const spike = d.update(100 * MIN, 500)!;
  assert.ok(spike.score > last!.score && spike.score > 0.6, `spike ${spike.score} vs normal ${last!.score}`);
});

test('a job cancelled midway stops with ERR_ML_CANCELLED', async () => {
  const s = series(60_000, [30_000]);
  const ac = new AbortController();
  let stageAtAbort = '';
  const p = trainDetector({
    kind: 'zscore', ...s, grid: { window: [20, 50, 100] }, signal: ac.signal,
    onProgress: (pr) => { if (pr.percent > 20 && !ac.signal.aborted) { stageAtAbort = pr.stage; ac.abort(new Error('user cancelled')); } },
  });
  await assert.rejects(p, (e: unknown) => isOutpostError(e, 'ERR_ML_CANCELLED'));
  assert.equal(stageAtAbort, 'searching');
});
