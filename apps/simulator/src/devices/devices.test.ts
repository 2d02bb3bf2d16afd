import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createSimulator, type Sample } from '../simulator.js';
import { clearSkyIrradiance } from './solar-inverter.js';
import { distanceM } from './gps-tracker.js';
import type { DeviceSpec } from '../options.js';

const MIN = 60_000;
const NOON = Date.UTC(2026, 5, 21, 12, 0, 0); // summer solstice, solar noon at utcOffset 0

/** Run one device every `stepMs` over [from, to) and return its samples. */
function run(spec: DeviceSpec, from: number, to: number, stepMs: number, seed: number | string = 1): Sample[] {
  const sim = createSimulator({ seed, devices: [spec] });
  const out: Sample[] = [];
  for (let t = from; t < to; t += stepMs) out.push(sim.step(t)[0]!);
  return out;
}
const num = (s: Sample, m: string) => s.values[m] as number;
const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);

test('same seed and timestamps give the same values; another seed gives others', () => {
  const a = run({ id: 'p', kind: 'pump' }, NOON, NOON + 10 * MIN, 1000, 42);
  const b = run({ id: 'p', kind: 'pump' }, NOON, NOON + 10 * MIN, 1000, 42);
  const c = run({ id: 'p', kind: 'pump' }, NOON, NOON + 10 * MIN, 1000, 43);
  assert.deepEqual(a, b);
  assert.notDeepEqual(a.map((s) => s.values), c.map((s) => s.values));
});

test('solar irradiance follows the diurnal curve: zero at night, rising to noon, longer days in summer', () => {
  const summer = 172;
  const winter = 355;
  assert.equal(clearSkyIrradiance(2, summer), 0);
  assert.equal(clearSkyIrradiance(23, summer), 0);
  const morning = [6, 8, 10, 12].map((h) => clearSkyIrradiance(h, summer));
  assert.deepEqual([...morning].sort((x, y) => x - y), morning, 'rises towards noon');
  assert.ok(clearSkyIrradiance(7, winter) === 0 && clearSkyIrradiance(7, summer) > 0, 'summer days start earlier');
});

test('solar inverter is physically consistent: AC = efficiency x V x sum(I), nothing at night', () => {
  const day = run({ id: 'inv', kind: 'solar_inverter' }, NOON - 6 * 3_600_000, NOON + 6 * 3_600_000, 5 * MIN);
  for (const s of day) {
    const currents = [1, 2, 3, 4].map((i) => num(s, `string_current_${i}`));
    const dc = (num(s, 'dc_voltage') * sum(currents)) / 1000;
    if (num(s, 'irradiance') < 5) {
      assert.equal(num(s, 'active_power'), 0);
      continue;
    }
    assert.ok(Math.abs(num(s, 'dc_power') - dc) <= 0.01 * dc + 0.05, `dc_power ${num(s, 'dc_power')} vs V*I ${dc}`);
    const eta = num(s, 'active_power') / num(s, 'dc_power');
    assert.ok(eta > 0.5 && eta < 0.98, `efficiency ${eta}`);
  }
  const noon = day.find((s) => s.ts === NOON)!;
  assert.ok(num(noon, 'irradiance') > 300 && num(noon, 'active_power') > 5, JSON.stringify(noon.values));
  assert.equal(num(run({ id: 'inv', kind: 'solar_inverter' }, NOON - 12 * 3_600_000, NOON - 12 * 3_600_000 + 1, 1)[0]!, 'irradiance'), 0);
});

test('energy meter: counter never decreases and grows by the integral of power; I = P / (3 V PF)', () => {
  const s = run({ id: 'm', kind: 'energy_meter' }, NOON, NOON + 30 * MIN, 10_000);
  let expected = 0;
  for (let i = 1; i < s.length; i++) {
    assert.ok(num(s[i]!, 'energy_total') >= num(s[i - 1]!, 'energy_total'));
    expected += (num(s[i]!, 'active_power') * 10_000) / 3_600_000;
    const p = num(s[i]!, 'active_power') * 1000;
    const i3 = p / (3 * num(s[i]!, 'voltage') * num(s[i]!, 'power_factor'));
    assert.ok(Math.abs(num(s[i]!, 'current') - i3) < 0.05 + 0.005 * i3, `current ${num(s[i]!, 'current')} vs ${i3}`);
  }
  const grown = num(s.at(-1)!, 'energy_total') - num(s[0]!, 'energy_total');
  assert.ok(Math.abs(grown - expected) < 0.05 + 0.02 * expected, `counter grew ${grown} kWh, power integral ${expected} kWh`);
});

test('pump: pressure below shut-off, vibration from the running shaft, nothing flows when stopped', () => {
  const s = run({ id: 'p', kind: 'pump', options: { cycleMinutes: 20, stopMinutes: 5 } }, NOON, NOON + 20 * MIN, 10_000);
  const running = s.filter((x) => x.values.running === true);
  const stopped = s.filter((x) => x.values.running === false);
  assert.ok(running.length > 0 && stopped.length > 0);
  for (const x of running) {
    assert.ok(num(x, 'pressure') > 0.5 && num(x, 'pressure') < 6, `pressure ${num(x, 'pressure')}`);
    assert.ok(num(x, 'vibration_rms') > 0.5 && num(x, 'motor_current') > 1);
  }
  for (const x of stopped) {
    assert.equal(num(x, 'flow'), 0);
    assert.equal(num(x, 'motor_current'), 0);
    assert.ok(num(x, 'vibration_rms') < 0.1);
  }
});

test('GPS tracker moves along its route at its reported speed', () => {
  const s = run({ id: 'g', kind: 'gps_tracker' }, NOON, NOON + 10 * MIN, 5000);
  let travelled = 0;
  let expected = 0;
  for (let i = 1; i < s.length; i++) {
    travelled += distanceM([num(s[i - 1]!, 'latitude'), num(s[i - 1]!, 'longitude')], [num(s[i]!, 'latitude'), num(s[i]!, 'longitude')]);
    expected += (num(s[i]!, 'speed') / 3.6) * 5;
  }
  assert.ok(expected > 3000, `drove ${expected} m`);
  assert.ok(Math.abs(travelled - expected) < 0.1 * expected, `travelled ${travelled} m, speed says ${expected} m`);
  assert.ok(new Set(s.map((x) => Math.round(num(x, 'heading') / 10))).size >= 3, 'the heading changes along the route');
});
