import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isOutpostError } from '@outpost/contract';
import { detectorFromArtifact, makeArtifact, parseArtifact } from './artifact.js';
import { trainForest } from './detectors/iforest-model.js';
import { featureRows } from './detectors/iforest.js';

const fixedNow = () => new Date('2026-01-01T00:00:00Z');
const history = Array.from({ length: 600 }, (_, i) => Math.sin(i / 10) + (i % 7) * 0.01);

test('a trained iforest artifact survives JSON and scores exactly like the original', () => {
  const model = trainForest(featureRows(history, 10), 20, 128, 5);
  const a = makeArtifact({ kind: 'iforest', params: { window: 10, trees: 20, sampleSize: 128 }, model, now: fixedNow });
  assert.equal(a.format, 'outpost.anomaly-model');
  assert.equal(a.version, 1);
  const d1 = detectorFromArtifact(a);
  const d2 = detectorFromArtifact(JSON.stringify(a));
  const normal: number[] = [];
  for (let i = 0; i < 200; i++) {
    const v = Math.sin(i / 10);
    const o = d1.update(i * 1000, v);
    assert.deepEqual(d2.update(i * 1000, v), o);
    if (o) normal.push(o.score);
  }
  const typical = normal.sort((a, b) => a - b)[normal.length >> 1]!;
  const outlier = d1.update(201_000, 50)!.score;
  assert.ok(outlier > 0.5 && outlier > typical, `outlier ${outlier} vs typical ${typical}`);
});

test('artifacts that do not match the schema are rejected with the problems listed', () => {
  const good = makeArtifact({ kind: 'zscore', now: fixedNow });
  const cases: Array<[unknown, RegExp]> = [
    ['{not json', /not valid JSON/],
    [{ ...good, version: 2 }, /\/version must be equal to constant/],
    [{ ...good, format: 'other' }, /\/format must be equal to constant/],
    [{ ...good, threshold: 'high' }, /\/threshold must be number/],
    [{ ...good, extra: 1 }, /must NOT have additional properties/],
    [{ ...good, kind: 'nope' }, /unknown detector kind/],
    [{ ...good, params: { window: -3 } }, /zscore.window must be an integer/],
    [{ ...good, kind: 'iforest', params: {} }, /has no trained model/],
    [{ ...good, kind: 'iforest', params: {}, model: { sampleSize: 4, features: 4, trees: [{ f: [0], v: [1], l: [5], r: [2], lo: [0], hi: [1] }] } }, /inconsistent node arrays/],
  ];
  for (const [doc, re] of cases) {
    assert.throws(() => parseArtifact(doc), (e: unknown) => isOutpostError(e, 'ERR_ML_ARTIFACT_INVALID') && re.test((e as Error).message), String(re));
  }
});
