import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Point } from '@outpost/contract';
import { compileThreshold } from './threshold.js';

const pt = (value: number, ts: number, device = 'pump-1'): Point => ({ device, metric: 'temp', ts, value });
const run = (spec: Record<string, unknown>, values: number[], step = 1000) => {
  const ev = compileThreshold({ metric: 'temp', ...spec }, 'rule');
  return values.map((v, i) => (ev.onPoint(pt(v, i * step), i * step) ?? []).map((t) => t.type).join(',') || '-');
};

test('> with hysteresis raises above raise and clears only below clear', () => {
  assert.deepEqual(run({ op: '>', raise: 90, clear: 80 }, [85, 91, 85, 92, 79, 85, 91]), ['-', 'raise', '-', '-', 'clear', '-', 'raise']);
});

test('<= and >= include the level; < and <= mirror the hysteresis', () => {
  assert.deepEqual(run({ op: '>=', raise: 90 }, [90, 89.9]), ['raise', 'clear']);
  assert.deepEqual(run({ op: '<', raise: 10, clear: 15 }, [12, 9, 14, 16]), ['-', 'raise', '-', 'clear']);
  assert.deepEqual(run({ op: '<=', raise: 10 }, [10, 11]), ['raise', 'clear']);
});

test('between and outside with a hysteresis margin', () => {
  assert.deepEqual(run({ op: 'between', low: 10, high: 20, hysteresis: 2 }, [5, 15, 21, 23, 19]), ['-', 'raise', '-', 'clear', 'raise']);
  assert.deepEqual(run({ op: 'outside', low: 10, high: 20, hysteresis: 1 }, [15, 21, 19.5, 18, 9]), ['-', 'raise', '-', 'clear', 'raise']);
});

test('for-duration: the condition must hold that long, by point time and by tick', () => {
  assert.deepEqual(run({ op: '>', raise: 90, forSeconds: 2 }, [91, 91, 85, 91, 91, 91]), ['-', '-', '-', '-', '-', 'raise']);
  const ev = compileThreshold({ metric: 'temp', op: '>', raise: 90, forSeconds: 5 }, 'rule');
  assert.equal(ev.onPoint(pt(95, 0), 0), undefined);
  assert.deepEqual(ev.onTick!(4000), []);
  assert.deepEqual(ev.onTick!(5000)!.map((t) => [t.type, t.key]), [['raise', 'pump-1']]);
});

test('devices are independent', () => {
  const ev = compileThreshold({ metric: 'temp', op: '>', raise: 90 }, 'rule');
  assert.equal(ev.onPoint(pt(95, 0, 'a'), 0)![0]!.key, 'a');
  assert.equal(ev.onPoint(pt(50, 0, 'b'), 0), undefined);
  assert.equal(ev.onPoint(pt(95, 1, 'b'), 1)![0]!.key, 'b');
});

test('raise below clear is rejected with an error naming the setting', () => {
  assert.throws(() => compileThreshold({ metric: 'temp', op: '>', raise: 80, clear: 90 }, 'gateway.alerts.rules[0]'),
    (e: Error & { code?: string }) => e.code === 'ERR_CONFIG_INVALID' && /rules\[0\]\.raise: raise level 80 is below the clear level 90/.test(e.message));
  assert.throws(() => compileThreshold({ metric: 'temp', op: '<', raise: 20, clear: 10 }, 'r'), /raise level 20 is above the clear level 10/);
  assert.throws(() => compileThreshold({ metric: 'temp', op: '~', raise: 1 }, 'r'), /r\.op: must be one of/);
  assert.throws(() => compileThreshold({ metric: 'temp', op: 'outside', low: 10, high: 12, hysteresis: 2 }, 'r'), /no clear band/);
  assert.throws(() => compileThreshold({ metric: 'temp', op: '>' }, 'r'), /r\.raise: is required/);
});

test('eachPoint: every point past the level is its own alert (raise and clear at once); for-duration is refused', () => {
  assert.deepEqual(run({ op: '>', raise: 90, eachPoint: true }, [95, 96, 85, 97]), ['raise,clear', 'raise,clear', '-', 'raise,clear']);
  const ev = compileThreshold({ metric: 'temp', op: '>', raise: 90, eachPoint: true }, 'rule');
  const [r] = ev.onPoint({ ...pt(99, 5), attrs: { seq: 7 } }, 5)!;
  assert.deepEqual([r!.key, r!.value, r!.points[0]!.attrs], ['pump-1', 99, { seq: 7 }]);
  assert.throws(() => compileThreshold({ metric: 'temp', op: '>', raise: 90, eachPoint: true, forSeconds: 5 }, 'rule'), /rule.forSeconds: does not apply with eachPoint/);
  assert.throws(() => compileThreshold({ metric: 'temp', op: '>', raise: 90, eachPoint: 'yes' }, 'rule'), /rule.eachPoint: must be true or false/);
});
