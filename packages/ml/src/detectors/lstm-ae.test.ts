import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isOutpostError } from '@outpost/contract';
import { detectorFromArtifact, parseArtifact } from '../artifact.js';
import { createDetector } from '../registry.js';
import { trainDetector } from '../train.js';

const MIN = 60_000;
const wave = (i: number) => 20 + 5 * Math.sin((2 * Math.PI * i) / 24);

test('lstm-ae without a trained model is refused with a clear error', () => {
  assert.throws(() => createDetector({ kind: 'lstm-ae' }), (e: unknown) => isOutpostError(e, 'ERR_ML_SPEC_INVALID') && /needs a trained model/.test((e as Error).message));
});

test('lstm-ae trains through trainDetector, ships as an artifact and scores a broken pattern above normal windows', async () => {
  const n = 600;
  const ts = Array.from({ length: n }, (_, i) => i * MIN);
  const values = ts.map((_, i) => wave(i));
  const epochs: number[] = [];
  const res = await trainDetector({
    kind: 'lstm-ae', ts, values, params: { window: 12, units: 4, epochs: 4, maxWindows: 64, stride: 1 },
    onProgress: (p) => epochs.push(p.percent),
  });
  const a = parseArtifact(JSON.parse(JSON.stringify(res.artifact)));
  assert.equal(a.kind, 'lstm-ae');
  const d = detectorFromArtifact(a);
  const normal: number[] = [];
  for (let i = 0; i < 100; i++) { const o = d.update(i * MIN, wave(i)); if (o) normal.push(o.score); }
  assert.ok(normal.length > 50);
  let broken = 0;
  for (let i = 100; i < 112; i++) broken = Math.max(broken, d.update(i * MIN, i >= 104 ? 60 : wave(i))?.score ?? 0);
  const worstNormal = Math.max(...normal);
  assert.ok(broken > worstNormal, `broken pattern ${broken} vs normal max ${worstNormal}`);
  assert.equal(epochs.at(-1), 100);
});

test('an lstm-ae artifact with weights that do not fit its shape is rejected', async () => {
  const ts = Array.from({ length: 200 }, (_, i) => i * MIN);
  const res = await trainDetector({ kind: 'lstm-ae', ts, values: ts.map((_, i) => wave(i)), params: { window: 8, units: 2, epochs: 1, maxWindows: 16 } });
  const bad = JSON.parse(JSON.stringify(res.artifact));
  bad.model.weights[0].values.pop();
  assert.throws(() => parseArtifact(bad), (e: unknown) => isOutpostError(e, 'ERR_ML_ARTIFACT_INVALID') && /values for shape/.test((e as Error).message));
  const wrongUnits = JSON.parse(JSON.stringify(res.artifact));
  wrongUnits.model.units = 3;
  assert.throws(() => detectorFromArtifact(wrongUnits), (e: unknown) => isOutpostError(e, 'ERR_ML_ARTIFACT_INVALID') && /need/.test((e as Error).message));
});
