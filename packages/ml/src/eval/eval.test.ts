import { existsSync } from 'node:fs';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isOutpostError } from '@outpost/contract';
import { bestF1Threshold, pointMetrics, rocAuc } from './metrics.js';
import { labelsForSeries, parseLabelCsv, windowsToRows } from './labels.js';
import { NAB_PROFILES, nabOptimise, nabScoreAt, probationRows, scaledSigmoid } from './nab.js';
import { evaluateScores } from './evaluate.js';
import { rng } from '../detectors/iforest-model.js';

test('precision, recall and F1 from a confusion matrix worked by hand', () => {
  // detections at 0.5: rows 0,1,3 -> tp rows 0,3 ; fp row 1 ; fn row 4
  const m = pointMetrics([0.9, 0.6, 0.1, 0.5, 0.2], [1, 0, 0, 1, 1], 0.5);
  assert.deepEqual({ tp: m.tp, fp: m.fp, fn: m.fn, tn: m.tn }, { tp: 2, fp: 1, fn: 1, tn: 1 });
  assert.equal(m.precision, 2 / 3);
  assert.equal(m.recall, 2 / 3);
  assert.ok(Math.abs(m.f1 - 2 / 3) < 1e-12);
  // at 0.2: tp 3, fp 1 -> P 0.75, R 1, F1 0.857, better than 0.5 (F1 0.667)
  assert.equal(bestF1Threshold([0.9, 0.6, 0.1, 0.5, 0.2], [1, 0, 0, 1, 1]).threshold, 0.2);
});

test('ROC-AUC: perfect, inverted, ties count half, one class only is NaN', () => {
  assert.equal(rocAuc([0.1, 0.2, 0.8, 0.9], [0, 0, 1, 1]), 1);
  assert.equal(rocAuc([0.9, 0.8, 0.2, 0.1], [0, 0, 1, 1]), 0);
  assert.equal(rocAuc([0.5, 0.5, 0.5, 0.5], [0, 1, 0, 1]), 0.5);
  // pairs (pos,neg): (0.7,0.3) win, (0.7,0.7) tie, (0.2,0.3) loss, (0.2,0.7) loss -> 1.5/4
  assert.equal(rocAuc([0.3, 0.7, 0.7, 0.2], [0, 0, 1, 1]), 1.5 / 4);
  assert.ok(Number.isNaN(rocAuc([0.1, 0.2], [0, 0])));
  assert.throws(() => rocAuc([1], [1, 0]), (e: unknown) => isOutpostError(e, 'ERR_ML_LABELS_INVALID'));
});

test('label CSV: timestamps or start,end windows, with header; bad lines name the line', () => {
  const w = parseLabelCsv('start,end\n2014-04-10 07:15:00,2014-04-10 08:15:00\n1000\n2020-01-01T00:00:00Z\n');
  assert.deepEqual(w, [[Date.UTC(2014, 3, 10, 7, 15), Date.UTC(2014, 3, 10, 8, 15)], [1000, 1000], [Date.UTC(2020, 0, 1), Date.UTC(2020, 0, 1)]]);
  assert.throws(() => parseLabelCsv('timestamp\nyesterday\n'), (e: unknown) => isOutpostError(e, 'ERR_ML_LABELS_INVALID') && /line 2/.test((e as Error).message));
  assert.throws(() => parseLabelCsv('5,3\n'), /ends before it starts/);
  assert.deepEqual(Array.from(labelsForSeries([0, 10, 20, 30], [[10, 20]])), [0, 1, 1, 0]);
  assert.deepEqual(windowsToRows([0, 10, 20, 30, 40], [[25, 45], [5, 10]]), [[1, 1], [3, 4]]);
});

test('NAB value of a detection: full credit at a window start, sigmoid after it, −A_FP with no window before', () => {
  assert.ok(Math.abs(scaledSigmoid(-1) - 0.98661) < 1e-5);
  assert.equal(scaledSigmoid(3.5), -1);
  const n = 1000;
  const p = probationRows(n);
  assert.equal(p, 150);
  const scores = new Float64Array(n);
  scores[400] = 1; // first row of the window
  const r = nabScoreAt([{ scores, windows: [[400, 499]] }], NAB_PROFILES.standard, 0.5);
  assert.ok(Math.abs(r.raw - 1) < 1e-12);
  assert.ok(Math.abs(r.score - 100) < 1e-9);
  scores[300] = 1; // FP before any window: −0.11
  assert.ok(Math.abs(nabScoreAt([{ scores, windows: [[400, 499]] }], NAB_PROFILES.standard, 0.5).raw - 0.89) < 1e-12);
  scores[100] = 1; // inside probation: ignored
  assert.ok(Math.abs(nabScoreAt([{ scores, windows: [[400, 499]] }], NAB_PROFILES.standard, 0.5).raw - 0.89) < 1e-12);
});

const REFERENCE_SCORER = new URL('../../../../../shared/bench/anomaly/nab-score.mjs', import.meta.url).pathname;

test('NAB scores agree with the shared reference scorer on random detectors', async (t) => {
  // The reference scorer lives in the shared folder beside the checkout (CI has it there).
  if (!existsSync(REFERENCE_SCORER)) {
    if (process.env.CI === 'true') throw new Error(`the shared reference scorer is missing at ${REFERENCE_SCORER} (required under CI=true)`);
    console.log(`# skipping: no shared reference scorer at ${REFERENCE_SCORER}`);
    return t.skip('shared/ is not beside this checkout');
  }
  const ref = await import(REFERENCE_SCORER) as {
    fileGeometry(ts: string[], w: Array<[string, string]>): unknown;
    evaluate(files: Array<{ rel: string; geom: unknown; scores: number[] }>): Record<string, { score: number; threshold: number }>;
  };
  const rand = rng(11);
  const key = (i: number) => new Date(Date.UTC(2020, 0, 1) + i * 300_000).toISOString().replace('T', ' ').replace('Z', '000');
  const ours: Array<{ scores: number[]; windows: Array<[number, number]> }> = [];
  const theirs: Array<{ rel: string; geom: unknown; scores: number[] }> = [];
  for (let f = 0; f < 6; f++) {
    const n = 800 + f * 700;
    const windows: Array<[number, number]> = f === 0 ? [] : Array.from({ length: f % 3 + 1 }, (_, k) => [Math.floor(n * (0.3 + 0.2 * k)), Math.floor(n * (0.3 + 0.2 * k)) + 60] as [number, number]);
    const scores = Array.from({ length: n }, () => Math.round(rand() * 1000) / 1000);
    ours.push({ scores, windows });
    const ts = Array.from({ length: n }, (_, i) => key(i));
    theirs.push({ rel: `c/f${f}.csv`, geom: ref.fileGeometry(ts, windows.map(([a, b]) => [ts[a]!, ts[b]!])), scores });
  }
  const r = ref.evaluate(theirs);
  for (const [name, prof] of Object.entries(NAB_PROFILES)) {
    const o = nabOptimise(ours, prof);
    assert.ok(Math.abs(o.score - r[name]!.score) < 1e-9, `${name}: ours ${o.score} vs reference ${r[name]!.score}`);
    assert.equal(o.threshold, r[name]!.threshold);
  }
});

test('evaluateScores reports metrics at the chosen or a given threshold', () => {
  const ts = Array.from({ length: 2000 }, (_, i) => i * 1000);
  const scores = new Float64Array(2000);
  scores[1200] = 0.9; scores[1700] = 0.4;
  const e = evaluateScores({ ts, scores, windows: [[1_190_000, 1_260_000]] });
  assert.equal(e.threshold, 0.9);
  assert.equal(e.nab.standard.detectedWindows, 1);
  assert.equal(e.precision, 1);
  const low = evaluateScores({ ts, scores, windows: [[1_190_000, 1_260_000]], threshold: 0.3 });
  assert.equal(low.threshold, 0.3);
  assert.equal(low.precision, 0.5);
  assert.ok(low.nab.standard.score < e.nab.standard.score);
});
