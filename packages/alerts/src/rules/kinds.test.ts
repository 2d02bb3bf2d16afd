import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Point, PointValue } from '@outpost/contract';
import type { RuleEvaluator } from '../types.js';
import { compileAnomaly } from './anomaly.js';
import { compileMissing } from './missing.js';
import { compilePattern } from './pattern.js';
import { compileRate } from './rate.js';
import { compileRule } from './rule.js';

const p = (metric: string, value: PointValue, ts: number, device = 'd1', tags?: Record<string, string>): Point => ({ device, metric, ts, value, ...(tags ? { tags } : {}) });
const types = (ev: RuleEvaluator, pts: Point[]) => pts.map((q) => (ev.onPoint(q, q.ts) ?? []).map((t) => t.type).join(',') || '-');

test('rate of change: rise, fall and either, with a clear rate', () => {
  const rise = compileRate({ metric: 'temp', perSecond: 2, clearPerSecond: 1 }, 'r');
  assert.deepEqual(types(rise, [p('temp', 10, 0), p('temp', 11, 1000), p('temp', 15, 2000), p('temp', 16.5, 3000), p('temp', 17, 4000)]), ['-', '-', 'raise', '-', 'clear']);
  const fall = compileRate({ metric: 'temp', perSecond: 2, direction: 'fall' }, 'r');
  assert.deepEqual(types(fall, [p('temp', 10, 0), p('temp', 15, 1000), p('temp', 10, 2000)]), ['-', '-', 'raise']);
  const r = compileRate({ metric: 'temp', perSecond: 2 }, 'r');
  const t = [p('temp', 10, 0), p('temp', 7, 1000)].flatMap((q) => r.onPoint(q, 0) ?? []);
  assert.equal(t[0]!.value, -3);
  assert.throws(() => compileRate({ metric: 'temp', perSecond: 1, clearPerSecond: 2 }, 'r'), /clear rate 2 is above the raise rate 1/);
});

test('missing data: raised on tick after N seconds, cleared by the next point; listed devices watched from start', () => {
  const ev = compileMissing({ metric: 'temp', afterSeconds: 30, devices: ['never'] }, 'r', 0);
  ev.onPoint(p('temp', 1, 0), 1000);
  assert.deepEqual(ev.onTick!(20_000), []);
  assert.deepEqual(ev.onTick!(31_000)!.map((t) => t.key), ['never', 'd1']);
  assert.deepEqual(ev.onTick!(40_000), []);
  assert.deepEqual(ev.onPoint(p('temp', 2, 41_000), 41_000)!.map((t) => `${t.type}:${t.key}`), ['clear:d1']);
  assert.throws(() => compileMissing({ metric: 'temp', afterSeconds: 0 }, 'r', 0), /afterSeconds: must be ≥/);
});

test('pattern N of the last M', () => {
  const ev = compilePattern({ metric: 'vib', mode: 'nOfM', n: 3, m: 5, op: '>', value: 7 }, 'r');
  assert.deepEqual(types(ev, [8, 1, 8, 1, 8, 1, 1, 1].map((v, i) => p('vib', v, i))), ['-', '-', '-', '-', 'raise', 'clear', '-', '-']);
  assert.throws(() => compilePattern({ metric: 'vib', mode: 'nOfM', n: 6, m: 5, op: '>', value: 1 }, 'r'), /1 ≤ n ≤ m/);
});

test('pattern sequence of states over consecutive distinct states', () => {
  const ev = compilePattern({ metric: 'state', mode: 'sequence', states: ['running', 'fault', 'stopped'] }, 'r');
  const seq = ['running', 'running', 'fault', 'stopped', 'stopped', 'running', 'stopped'];
  assert.deepEqual(types(ev, seq.map((s, i) => p('state', s, i))), ['-', '-', '-', 'raise', '-', 'clear', '-']);
});

test('pattern regex over a state metric, and a bad regex', () => {
  const ev = compilePattern({ metric: 'status', mode: 'regex', regex: '^E(1|2)\\d\\d' }, 'r');
  assert.deepEqual(types(ev, ['OK', 'E104 overtemp', 'E105', 'OK'].map((s, i) => p('status', s, i))), ['-', 'raise', '-', 'clear']);
  assert.throws(() => compilePattern({ metric: 'status', mode: 'regex', regex: '(' }, 'r'), /r\.regex: is not a valid regular expression/);
  assert.throws(() => compilePattern({ metric: 'status', mode: 'glob' }, 'r'), /r\.mode: must be nOfM, sequence or regex/);
});

test('anomaly score from a score metric or a score tag', () => {
  const ev = compileAnomaly({ threshold: 0.8, clear: 0.5 }, 'r');
  assert.deepEqual(types(ev, [0.3, 0.9, 0.7, 0.4].map((v, i) => p('anomaly_score', v, i))), ['-', 'raise', '-', 'clear']);
  const tagged = compileAnomaly({ metric: 'power', scoreTag: 'score', threshold: 0.8 }, 'r');
  assert.deepEqual(types(tagged, [p('power', 5, 0, 'd1', { score: '0.95' }), p('power', 5, 1), p('power', 5, 2, 'd1', { score: '0.1' })]), ['raise', '-', 'clear']);
  assert.throws(() => compileAnomaly({ threshold: 0.5, clear: 0.9 }, 'r'), /threshold 0\.5 is below the clear level 0\.9/);
});

test('rule envelope: unknown kind, bad severity, location and devices globs', () => {
  assert.throws(() => compileRule({ id: 'x', kind: 'magic' }, 'gateway.alerts.rules[4]', 0), /rules\[4\]\.kind: unknown rule kind "magic"; expected one of threshold/);
  assert.throws(() => compileRule({ id: 'x', kind: 'anomaly', threshold: 1, severity: 'loud' }, 'r', 0), /r\.severity/);
  assert.throws(() => compileRule({ id: 'x', kind: 'anomaly', threshold: 1, location: 'moon' }, 'r', 0), /r\.location: must be edge, cloud or both/);
  assert.throws(() => compileRule({ id: 'x', kind: 'anomaly', threshold: 1, actions: [{ type: 'fax' }] }, 'r', 0), /r\.actions\[0\]\.type: unknown action type "fax"/);
  assert.throws(() => compileRule({ id: 'x', kind: 'anomaly', threshold: 1, actions: [{ type: 'webhook', url: 'http://x', secret: 'short' }] }, 'r', 0), /secret: the HMAC secret must be at least 16/);
  const r = compileRule({ id: 'x', kind: 'anomaly', threshold: 1, devices: ['pump-*', 'fan.1'] }, 'r', 0);
  assert.equal(r.devices!('pump-7'), true);
  assert.equal(r.devices!('fan.1'), true);
  assert.equal(r.devices!('fanx1'), false);
});
