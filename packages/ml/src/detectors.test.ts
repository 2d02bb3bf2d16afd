import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isOutpostError } from '@outpost/contract';
import { DETECTORS, createDetector } from './registry.js';
import { rng } from './detectors/iforest-model.js';
import type { AnomalyOutput, Detector } from './types.js';

const MIN = 60_000;
// lstm-ae needs a trained model (async training): covered in lstm-ae.test.ts.
const KINDS = DETECTORS.filter((d) => !d.requiresModel).map((d) => d.kind);
// Small windows so that every detector is warm within the synthetic series below.
const SMALL: Record<string, Record<string, number>> = {
  zscore: { window: 50 }, robust: { window: 50 }, ewma: { warmup: 30 },
  iforest: { window: 10, trainSize: 200 }, ocsvm: { window: 10, trainSize: 200 }, novelty: { history: 400, periodWarmup: 300, warmup: 50, suppress: 50 },
};
const make = (kind: string): Detector => createDetector({ kind, params: SMALL[kind] });

function noisySine(n: number, seed = 3): number[] {
  const r = rng(seed);
  return Array.from({ length: n }, (_, i) => 10 + 2 * Math.sin((2 * Math.PI * i) / 48) + 0.2 * (r() - 0.5));
}

function feed(d: Detector, values: Array<number | null>, t0 = 0): Array<AnomalyOutput | null> {
  return values.map((v, i) => d.update(t0 + i * MIN, v));
}

function assertValid(o: AnomalyOutput | null, where: string): void {
  if (o === null) return;
  assert.ok(o.score >= 0 && o.score <= 1 && !Number.isNaN(o.score), `${where}: score ${o.score} outside [0,1]`);
  assert.ok(['spike', 'drop', 'drift', 'missingness', 'stuck'].includes(o.label), `${where}: label ${o.label}`);
  assert.ok(o.explanation.length > 5, `${where}: explanation`);
}

for (const kind of KINDS) {
  test(`${kind}: a constant series gives finite scores in [0,1] and no anomaly`, () => {
    const d = make(kind);
    const out = feed(d, Array.from({ length: 800 }, () => 42));
    out.forEach((o, i) => assertValid(o, `${kind} #${i}`));
    const fixed = DETECTORS.find((e) => e.kind === kind)!.threshold;
    assert.ok(out.every((o) => o === null || o.score < fixed), `${kind} flagged a constant series`);
  });

  test(`${kind}: a series shorter than the warm-up returns null or valid outputs, never throws`, () => {
    const d = make(kind);
    const out = feed(d, [1, 2, 3]);
    out.forEach((o, i) => assertValid(o, `${kind} #${i}`));
    assert.equal(d.stats().accepted, 3);
  });

  test(`${kind}: NaN, Infinity and null are scored as missingness and do not poison later scores`, () => {
    const d = make(kind);
    const vals: Array<number | null> = noisySine(700);
    vals[500] = NaN; vals[501] = Infinity; vals[502] = -Infinity; vals[503] = null;
    const out = feed(d, vals);
    for (const i of [500, 501, 502, 503]) assert.equal(out[i]?.label, 'missingness', `${kind} #${i}`);
    assert.ok(out[503]!.score > out[500]!.score, 'missing rate grows with consecutive missing samples');
    out.forEach((o, i) => assertValid(o, `${kind} #${i}`));
    assert.equal(d.stats().missing, 4);
  });

  test(`${kind}: a gap in timestamps counts its skipped samples as missing`, () => {
    const d = make(kind);
    const vals = noisySine(600);
    const out = vals.map((v, i) => d.update((i < 550 ? i : i + 45) * MIN, v));
    assert.equal(out[550]?.label, 'missingness');
    assert.match(out[550]!.explanation, /gap of 45 samples; 45 of the last 60 samples missing/);
    assert.equal(d.stats().gapSamples, 45);
  });

  test(`${kind}: a timestamp regression or duplicate is rejected and changes nothing`, () => {
    const a = make(kind);
    const b = make(kind);
    const vals = noisySine(600);
    const outA = vals.map((v, i) => a.update(i * MIN, v));
    const outB: Array<AnomalyOutput | null> = [];
    vals.forEach((v, i) => {
      outB.push(b.update(i * MIN, v));
      if (i === 400) {
        assert.equal(b.update((i - 5) * MIN, 1e9), null);
        assert.equal(b.update(i * MIN, 1e9), null);
      }
    });
    assert.deepEqual(outB, outA);
    assert.equal(b.stats().rejectedTimestamps, 2);
  });

  test(`${kind}: an injected spike scores higher than any normal sample and is labelled spike`, () => {
    const d = make(kind);
    const vals = noisySine(900);
    vals[850] = vals[850]! + 12;
    const out = feed(d, vals);
    const normal = Math.max(...out.slice(700, 850).map((o) => o?.score ?? 0));
    assert.ok(out[850]!.score > normal, `${kind}: spike ${out[850]!.score} vs normal max ${normal}`);
    assert.equal(out[850]!.label, 'spike');
  });
}

test('an injected drop is labelled drop; a run of identical values is labelled stuck', () => {
  const d = createDetector({ kind: 'zscore', params: { window: 50 } });
  const vals = noisySine(400);
  vals[300] = vals[300]! - 12;
  for (let i = 340; i < 400; i++) vals[i] = 11;
  const out = feed(d, vals);
  assert.equal(out[300]!.label, 'drop');
  const stuck = out.findIndex((o) => o?.label === 'stuck');
  assert.equal(stuck, 340 + 29, 'stuck reported when the run reaches stuckRun (30)');
  assert.match(out[stuck]!.explanation, /stuck at 11 for 30 samples/);
});

test('a sustained level shift is labelled drift by the novelty detector', () => {
  const d = createDetector({ kind: 'novelty', params: SMALL.novelty });
  const vals = noisySine(700);
  for (let i = 600; i < 700; i++) vals[i] = vals[i]! + 20;
  const out = feed(d, vals);
  assert.ok(out[600]!.score > 0.5, `onset reported at once (score ${out[600]!.score})`);
  assert.ok(out.slice(601, 610).some((o) => o?.label === 'drift'), 'relabelled drift once sustained, within 10 samples');
  assert.ok(out.slice(601, 700).every((o) => (o?.score ?? 0) < out[600]!.score), 'the shift is reported once, not for every sample');
});

test('novelty: a value in a gap between a series\' usual levels is new (isolation), though not a new extreme', () => {
  const run = (isolation: number) => {
    const d = createDetector({ kind: 'novelty', params: { ...SMALL.novelty, seasonWeight: 0, isolation } });
    const r = rng(7);
    // A quiet baseline near 1 with a spike near 10 every 50 samples; then, once, a value of 5.
    const vals = Array.from({ length: 700 }, (_, i) => (i % 50 === 0 ? 10 : 1) + 0.1 * (r() - 0.5));
    vals[625] = 5;
    return feed(d, vals);
  };
  const on = run(0.07);
  assert.ok(on[625]!.score >= 0.5, `isolated value scores as new (${on[625]!.score})`);
  assert.equal(on[625]!.label, 'spike');
  assert.match(on[625]!.explanation, /value in a gap of the last 400 samples: the nearest is [\d.]+ away, \d+% of their 1–99% spread/);
  const gaps = on.map((o, i) => (o && o.score >= 0.5 && /in a gap/.test(o.explanation) ? i : -1)).filter((i) => i >= 0);
  assert.deepEqual(gaps, [625], 'the usual levels, spikes included, are never isolation alarms');
  const off = run(0);
  assert.ok(off[625]!.score < 0.5, `without isolation it is only a high rank (${off[625]!.score})`);
});

test('novelty: within the refractory period a marginally higher extreme is not a second alarm; a clear break still is', () => {
  const run = (refractory: number) => {
    const d = createDetector({ kind: 'novelty', params: { ...SMALL.novelty, seasonWeight: 0, refractory } });
    const r = rng(5);
    const vals = Array.from({ length: 700 }, () => 10 + 2 * (r() - 0.5));
    vals[600] = 11.5; // a new maximum: the first alarm
    vals[620] = 12.2; // past it, 20 samples later, with a score only just above the first
    vals[650] = 20; // a clear break
    return feed(d, vals);
  };
  const on = run(100);
  assert.ok(on[600]!.score >= 0.5, `first alarm ${on[600]!.score}`);
  assert.equal(on[620]!.score, 0, 'a step just past the previous alarm is the same episode');
  assert.ok(on[650]!.score >= 0.5, `a clear break beats the alarm by the margin (${on[650]!.score})`);
  const off = run(0);
  assert.ok(off[620]!.score >= 0.5, `without a refractory period the step is a new alarm (${off[620]!.score})`);
});

test('guard: a stream that keeps gapping raises missingness once per episode, not at every gap', () => {
  const run = (missingSuppress: number) => {
    const d = createDetector({ kind: 'zscore', params: { window: 50 }, guard: { missingSuppress } });
    const vals = noisySine(700);
    // Gaps of 45 samples after rows 400 and 500, the second within 300 samples of the first.
    const skip = (i: number) => (i > 500 ? 90 : i > 400 ? 45 : 0);
    return vals.map((v, i) => d.update((i + skip(i)) * MIN, v));
  };
  const on = run(300);
  assert.equal(on[401]!.label, 'missingness');
  assert.ok(on[401]!.score > 0.5, `first gap ${on[401]!.score}`);
  // The second gap's missingness score is 0, so the core's score of the value stands.
  assert.ok(on[501]!.label !== 'missingness' || on[501]!.score === 0, `second gap: ${JSON.stringify(on[501])}`);
  assert.ok(on[501]!.score < 0.5, 'a second, similar gap within missingSuppress samples is not a new alarm');
  const off = run(0);
  assert.equal(off[501]!.label, 'missingness');
  assert.ok(off[501]!.score > 0.5, `with missingSuppress 0 every gap is scored (${off[501]!.score})`);
});

test('bad specs are user errors that name the problem', () => {
  const cases: Array<[unknown, RegExp]> = [
    [{ kind: 'nope' }, /unknown detector kind "nope"/],
    [{ kind: 'zscore', params: { window: 1 } }, /zscore.window must be an integer in \[2, 100000\], got 1/],
    [{ kind: 'zscore', params: { windw: 10 } }, /unknown parameter "windw"/],
    [{ kind: 'robust', params: { method: 'stdev' } }, /robust.method must be one of mad, iqr/],
    [{ kind: 'zscore', guard: { stuckRun: 0 } }, /stuckRun/],
    [{ kind: 'zscore', guard: { missingSuppress: -1 } }, /missingSuppress/],
    [{ kind: 'novelty', params: { refractoryMargin: 2 } }, /novelty.refractoryMargin must be a number in \[0, 1\]/],
    [{ kind: 'novelty', params: { refractoryMargin: Number.NaN } }, /novelty.refractoryMargin must be a number in \[0, 1\], got NaN/],
    [{ kind: 'zscore', params: { zRef: Number.POSITIVE_INFINITY } }, /zscore.zRef must be a number in .*, got Infinity/],
  ];
  for (const [spec, re] of cases) {
    assert.throws(() => createDetector(spec as never), (e: unknown) => isOutpostError(e, 'ERR_ML_SPEC_INVALID') && re.test((e as Error).message), JSON.stringify(spec));
  }
});

test('iforest with retrainEvery adapts to a new regime; without it the old regime keeps judging', () => {
  const run = (retrainEvery: number) => {
    const d = createDetector({ kind: 'iforest', params: { window: 10, trainSize: 200, retrainEvery } });
    const vals = noisySine(1600).map((v, i) => (i >= 600 ? v * 3 : v)); // amplitude triples at 600
    const out = feed(d, vals);
    const tail = out.slice(1400).map((o) => o?.score ?? 0);
    return tail.reduce((a, b) => a + b, 0) / tail.length;
  };
  const frozen = run(0);
  const adaptive = run(200);
  assert.ok(adaptive < frozen - 0.05, `after the change, retrained ${adaptive.toFixed(3)} vs frozen ${frozen.toFixed(3)}`);
});
