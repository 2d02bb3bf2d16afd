import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isOutpostError } from '@outpost/contract';
import { createSimulator, type Sample } from './simulator.js';
import type { DeviceSpec } from './options.js';
import type { FaultSpec } from './faults.js';

const MIN = 60_000;
const T0 = Date.UTC(2026, 5, 21, 11, 0, 0);

/** The same device with and without faults, same seed: differences are the faults' doing. */
function pair(kind: DeviceSpec['kind'], faults: FaultSpec[], minutes: number, stepMs = 10_000, options?: Record<string, unknown>) {
  const base = createSimulator({ seed: 5, devices: [{ id: 'd', kind, ...(options ? { options } : {}) }] });
  const faulty = createSimulator({ seed: 5, devices: [{ id: 'd', kind, faults, ...(options ? { options } : {}) }] });
  const out: Array<{ t: number; base: Sample; faulty: Sample }> = [];
  for (let t = T0; t < T0 + minutes * MIN; t += stepMs) out.push({ t: t - T0, base: base.step(t)[0]!, faulty: faulty.step(t)[0]! });
  return { rows: out, log: faulty.faultLog() };
}
const v = (s: Sample, m: string) => s.values[m] as number;

test('stuck: the value is frozen for the window, live before and after it', () => {
  const { rows, log } = pair('pump', [{ kind: 'stuck', metric: 'pressure', startMs: 5 * MIN, durationMs: 5 * MIN }], 15);
  const inside = rows.filter((r) => r.t >= 5 * MIN && r.t < 10 * MIN);
  assert.equal(new Set(inside.map((r) => v(r.faulty, 'pressure'))).size, 1, 'constant while stuck');
  assert.ok(new Set(inside.map((r) => v(r.base, 'pressure'))).size > 5, 'the healthy pump varies meanwhile');
  for (const r of rows.filter((x) => x.t < 5 * MIN || x.t >= 10 * MIN)) assert.deepEqual(r.faulty.values, r.base.values);
  assert.deepEqual(log, [{ device: 'd', kind: 'stuck', metric: 'pressure', start: T0 + 5 * MIN, end: T0 + 10 * MIN }]);
});

test('string fault: one string current drops, the others and the voltage do not, power falls', () => {
  const { rows } = pair('solar_inverter', [{ kind: 'string_fault', string: 3, magnitude: 0.1, startMs: 10 * MIN, durationMs: 10 * MIN }], 20);
  for (const r of rows.filter((x) => x.t >= 10 * MIN)) {
    assert.ok(Math.abs(v(r.faulty, 'string_current_3') - 0.1 * v(r.base, 'string_current_3')) < 0.05, `string 3: ${v(r.faulty, 'string_current_3')} vs healthy ${v(r.base, 'string_current_3')}`);
    for (const s of [1, 2, 4]) assert.equal(v(r.faulty, `string_current_${s}`), v(r.base, `string_current_${s}`));
    assert.equal(v(r.faulty, 'dc_voltage'), v(r.base, 'dc_voltage'));
    assert.ok(v(r.faulty, 'active_power') < 0.85 * v(r.base, 'active_power'), 'lost a quarter of the DC input');
  }
});

test('over-temperature: the heatsink heats up, the inverter derates and produces less', () => {
  const { rows } = pair('solar_inverter', [{ kind: 'over_temperature', magnitude: 40, startMs: 0, durationMs: 90 * MIN }], 90, 30_000);
  assert.ok(v(rows[0]!.faulty, 'temperature') < 60, 'starts healthy, heats up with a lag');
  const late = rows.filter((r) => r.t >= 60 * MIN);
  const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
  for (const r of late) assert.ok(v(r.faulty, 'temperature') > 60 && v(r.faulty, 'temperature') > v(r.base, 'temperature') + 20, `temperature ${v(r.faulty, 'temperature')} vs ${v(r.base, 'temperature')}`);
  assert.ok(late.filter((r) => r.faulty.values.derating === true).length > late.length / 2, 'derating most of the time');
  assert.ok(late.every((r) => r.base.values.derating === false));
  assert.ok(mean(late.map((r) => v(r.faulty, 'active_power'))) < 0.8 * mean(late.map((r) => v(r.base, 'active_power'))));
});

test('over-temperature on a pump (bearing wear): hotter bearing and stronger vibration', () => {
  const { rows } = pair('pump', [{ kind: 'over_temperature', magnitude: 30, startMs: 0, durationMs: 120 * MIN }], 120, MIN, { cycleMinutes: 0 });
  const late = rows.filter((r) => r.t >= 60 * MIN);
  for (const r of late) {
    assert.ok(v(r.faulty, 'temperature') > v(r.base, 'temperature') + 15, `bearing ${v(r.faulty, 'temperature')} vs ${v(r.base, 'temperature')}`);
    assert.ok(v(r.faulty, 'vibration_rms') > 1.2 * v(r.base, 'vibration_rms'), `vibration ${v(r.faulty, 'vibration_rms')} vs ${v(r.base, 'vibration_rms')}`);
  }
});

test('spike adds its magnitude for its duration; drift grows linearly; both only on their metric', () => {
  const spike = pair('energy_meter', [{ kind: 'spike', metric: 'active_power', magnitude: 100, startMs: 2 * MIN, durationMs: 10_000 }], 4);
  for (const r of spike.rows) {
    const d = v(r.faulty, 'active_power') - v(r.base, 'active_power');
    assert.ok(Math.abs(d - (r.t === 2 * MIN ? 100 : 0)) < 0.01, `t=${r.t}: difference ${d}`);
    assert.equal(r.faulty.values.voltage, r.base.values.voltage);
  }
  const drift = pair('pump', [{ kind: 'drift', metric: 'temperature', magnitude: 0.5, startMs: 0, durationMs: 30 * MIN }], 20, MIN);
  drift.rows.forEach((r, i) => assert.ok(Math.abs(v(r.faulty, 'temperature') - v(r.base, 'temperature') - 0.5 * i) < 0.11, `minute ${i}`));
});

test('drop-out: the device is marked silent for at least the duration; random faults follow the seed', () => {
  const { rows, log } = pair('gps_tracker', [{ kind: 'dropout', probabilityPerSec: 0.01, durationMs: 30_000 }], 60);
  const silent = rows.filter((r) => r.faulty.dropout);
  assert.ok(silent.length > 0 && silent.length < rows.length / 2, `${silent.length} of ${rows.length} silent`);
  assert.ok(rows.every((r) => !r.base.dropout));
  assert.ok(log.length > 0 && log.every((e) => e.kind === 'dropout' && (e.end === undefined || e.end - e.start >= 30_000)));
  assert.deepEqual(pair('gps_tracker', [{ kind: 'dropout', probabilityPerSec: 0.01, durationMs: 30_000 }], 60).log, log);
});

test('bad fault and device settings are rejected with the device, field, value and expectation', () => {
  const bad: DeviceSpec[] = [
    { id: 'p', kind: 'pump', faults: [{ kind: 'string_fault', startMs: 0 }, { kind: 'stuck', metric: 'nope', startMs: 0 }, { kind: 'drift', metric: 'flow' }] },
    { id: 'p', kind: 'turbine' as never },
    { id: 'gps', kind: 'gps_tracker', faults: [{ kind: 'over_temperature', startMs: 0 }] },
    { id: 'inv', kind: 'solar_inverter', unitId: 300, faults: [{ kind: 'string_fault', string: 9, startMs: 0 }, { kind: 'melt' as never, startMs: 0 }] },
  ];
  assert.throws(() => createSimulator({ devices: bad }), (e: unknown) => {
    assert.ok(isOutpostError(e, 'ERR_CONFIG_INVALID'));
    for (const re of [
      /devices\[0\] \('p'\)\.faults\[0\]: a string_fault needs a solar_inverter; this device is a pump/,
      /devices\[0\] \('p'\)\.faults\[1\]: field 'metric' must be one of running, speed, flow, .*; got "nope"/,
      /devices\[0\] \('p'\)\.faults\[2\]: needs 'startMs' \(a schedule\) or 'probabilityPerSec'/,
      /devices\[1\] \('p'\): field 'id' duplicates an earlier device/,
      /devices\[1\] \('p'\): field 'kind' must be one of solar_inverter, energy_meter, pump, gps_tracker; got "turbine"/,
      /devices\[2\] \('gps'\)\.faults\[0\]: an over_temperature fault needs a device that heats up \(solar_inverter, pump\); this device is a gps_tracker/,
      /devices\[3\] \('inv'\): field 'unitId' must be an integer 1-247; got 300/,
      /devices\[3\] \('inv'\)\.faults\[0\]: field 'string' must be an integer 1-4; got 9/,
      /devices\[3\] \('inv'\)\.faults\[1\]: field 'kind' must be one of spike, drift, stuck, dropout, over_temperature, string_fault; got "melt"/,
    ]) assert.match(e.message, re);
    return true;
  });
});

test('bad top-level options are rejected before anything starts', () => {
  assert.throws(() => createSimulator({ intervalMs: 0, site: 'a/b', mqtt: { url: 'http://x', qos: 3 as never, topics: ['site/#'] }, modbus: { port: 70000 } }), (e: unknown) => {
    assert.ok(isOutpostError(e, 'ERR_CONFIG_INVALID'));
    for (const re of [/'intervalMs' must be an integer from 10 to 3600000; got 0/, /'site' must be .*got "a\/b"/, /'mqtt.url' must be a broker URL .*got "http:\/\/x"/, /'mqtt.qos' must be 0, 1 or 2; got 3/, /'mqtt.topics\[0\]' must be a topic template without wildcards; got "site\/#"/, /'modbus.port' must be an integer from 0 to 65535; got 70000/]) assert.match(e.message, re);
    return true;
  });
});
