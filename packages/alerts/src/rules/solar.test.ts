import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Point } from '@outpost/contract';
import { compilePerformanceRatio, compileStringImbalance } from './solar.js';

const p = (device: string, metric: string, value: number, ts = 0): Point => ({ device, metric, ts, value });

test('performance ratio: actual vs irradiance- and temperature-derated expected power', () => {
  const ev = compilePerformanceRatio({ ratedPowerKw: 100, below: 0.8, clearAbove: 0.85 }, 'r');
  ev.onPoint(p('inv', 'irradiance', 800), 0);
  ev.onPoint(p('inv', 'module_temp', 45), 0);
  // expected = 100 × 0.8 × (1 − 0.004 × 20) = 73.6 kW
  const low = ev.onPoint(p('inv', 'ac_power', 55), 0)!;
  assert.equal(low[0]!.type, 'raise');
  assert.ok(Math.abs(low[0]!.value! - 55 / 73.6) < 1e-9);
  assert.equal(ev.onPoint(p('inv', 'ac_power', 61), 0)?.length ?? 0, 0); // 0.829: inside the hysteresis band
  assert.equal(ev.onPoint(p('inv', 'ac_power', 70), 0)![0]!.type, 'clear');
});

test('performance ratio is not evaluated below minIrradiance and can use a weather-station device', () => {
  const ev = compilePerformanceRatio({ ratedPowerKw: 100, below: 0.8, sensorDevice: 'ws' }, 'r');
  ev.onPoint(p('ws', 'irradiance', 100), 0);
  assert.equal(ev.onPoint(p('inv', 'ac_power', 1), 0), undefined);
  ev.onPoint(p('ws', 'irradiance', 1000), 0);
  assert.equal(ev.onPoint(p('inv', 'ac_power', 50), 0)![0]!.type, 'raise');
  assert.throws(() => compilePerformanceRatio({ below: 0.8 }, 'r'), /r\.ratedPowerKw: is required/);
});

test('string imbalance: a string more than 20 % from its inverter mean raises, keyed per string', () => {
  const ev = compileStringImbalance({ strings: 4 }, 'r');
  const feed = (inv: string, vals: number[]) => vals.flatMap((v, i) => ev.onPoint(p(inv, `string_current_${i + 1}`, v, 1000), 1000) ?? []).map((t) => `${t.type}:${t.key}`);
  assert.deepEqual(feed('inv1', [8, 8.2, 7.9, 5]), ['raise:inv1/string_current_4']); // mean 7.275, string 4 is −31 %
  assert.deepEqual(feed('inv2', [8, 8.2, 7.9, 7.6]), []);
  assert.deepEqual(feed('inv1', [8, 8.2, 7.9, 7.7]).filter((s) => s.startsWith('clear')), ['clear:inv1/string_current_4']);
  assert.throws(() => compileStringImbalance({ strings: 1 }, 'r'), /r\.strings: must be ≥ 2/);
});
