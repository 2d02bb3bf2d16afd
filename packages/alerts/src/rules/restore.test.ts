import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Point, PointValue } from '@outpost/contract';
import type { RuleEvaluator } from '../types.js';
import { compileThreshold } from './threshold.js';
import { compileAnomaly } from './anomaly.js';
import { compileRate } from './rate.js';
import { compileMissing } from './missing.js';
import { compilePattern } from './pattern.js';
import { compilePerformanceRatio, compileStringImbalance } from './solar.js';

const p = (metric: string, value: PointValue, ts: number, device = 'd1'): Point => ({ device, metric, ts, value });
const kinds = (ev: RuleEvaluator, pts: Point[]) => pts.flatMap((q) => ev.onPoint(q, q.ts) ?? []).map((t) => `${t.type}:${t.key}`);

// A fresh evaluator told that an alert is open clears it on the first point back within bounds;
// without `restore` it would wait for a raise it never saw.
test('restored keys clear on the first point back within bounds', () => {
  const th = compileThreshold({ metric: 'temp', op: '>', raise: 90, clear: 80 }, 'r');
  assert.deepEqual(kinds(th, [p('temp', 70, 1)]), [], 'not restored: nothing to clear');
  th.restore!('d1', 'd1');
  assert.deepEqual(kinds(th, [p('temp', 85, 2), p('temp', 70, 3)]), ['clear:d1'], 'hysteresis still applies after a restore');

  const an = compileAnomaly({ threshold: 0.8, clear: 0.6 }, 'r');
  an.restore!('d1', 'd1');
  assert.deepEqual(kinds(an, [p('anomaly_score', 0.5, 1)]), ['clear:d1']);

  const rate = compileRate({ metric: 'pressure', perSecond: 1, direction: 'fall' }, 'r');
  rate.restore!('d1', 'd1');
  assert.deepEqual(kinds(rate, [p('pressure', 10, 1000), p('pressure', 10, 2000)]), ['clear:d1'], 'needs two points for a rate');

  const missing = compileMissing({ metric: 'kw', afterSeconds: 60 }, 'r', 0);
  missing.restore!('d1', 'd1');
  assert.deepEqual(kinds(missing, [p('kw', 1, 5)]), ['clear:d1']);

  const regex = compilePattern({ mode: 'regex', metric: 'status', regex: '^E' }, 'r');
  regex.restore!('d1', 'd1');
  assert.deepEqual(kinds(regex, [p('status', 'OK', 1)]), ['clear:d1']);

  const seq = compilePattern({ mode: 'sequence', metric: 'state', states: ['run', 'fault'] }, 'r');
  seq.restore!('d1', 'd1');
  assert.deepEqual(kinds(seq, [p('state', 'run', 1)]), ['clear:d1']);

  const pr = compilePerformanceRatio({ ratedPowerKw: 100, below: 0.8, clearAbove: 0.85 }, 'r');
  pr.restore!('inv', 'inv');
  assert.deepEqual(kinds(pr, [p('irradiance', 800, 0, 'inv'), p('module_temp', 25, 0, 'inv'), p('active_power', 78, 0, 'inv')]), ['clear:inv']);

  const si = compileStringImbalance({ strings: 4 }, 'r');
  si.restore!('inv/string_current_4', 'inv');
  assert.deepEqual(kinds(si, [8, 8.2, 7.9, 7.7].map((v, i) => p(`string_current_${i + 1}`, v, 1000, 'inv'))), ['clear:inv/string_current_4']);
});

test('a restored N-of-M pattern clears only once its window is full again (its history is unknown)', () => {
  const ev = compilePattern({ mode: 'nOfM', metric: 'vib', n: 2, m: 3, op: '>', value: 7 }, 'r');
  ev.restore!('d1', 'd1');
  assert.deepEqual(kinds(ev, [p('vib', 1, 1), p('vib', 1, 2)]), []);
  assert.deepEqual(kinds(ev, [p('vib', 1, 3)]), ['clear:d1']);
});
