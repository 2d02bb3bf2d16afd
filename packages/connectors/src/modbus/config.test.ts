import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isOutpostError } from '@outpost/contract';
import { parseModbusConfig } from './config.js';

const reg = { metric: 'active_power', address: 0, function: 'holding', type: 'float32', unit: 'kW' };
const device = (registers: unknown[], extra: Record<string, unknown> = {}) => ({ device: 'inv-1', host: '127.0.0.1', registers, ...extra });

function problemsOf(input: unknown): string {
  try {
    parseModbusConfig(input);
  } catch (e) {
    assert.ok(isOutpostError(e, 'ERR_CONFIG_INVALID'), `expected ERR_CONFIG_INVALID, got ${String(e)}`);
    return e.message;
  }
  assert.fail('config was accepted');
}

test('defaults are filled in and device byte/word order applies to its registers', () => {
  const cfg = parseModbusConfig({ devices: [device([reg, { ...reg, metric: 'v', address: 2, wordOrder: 'big' }], { wordOrder: 'little' })] });
  const d = cfg.devices[0]!;
  assert.deepEqual({ port: d.port, unitId: d.unitId, poll: d.pollIntervalMs, timeout: d.timeoutMs, maxGap: d.maxGap }, { port: 502, unitId: 1, poll: 1000, timeout: 1000, maxGap: 0 });
  assert.deepEqual(d.registers[0], { metric: 'active_power', address: 0, function: 'holding', type: 'float32', byteOrder: 'big', wordOrder: 'little', scale: 1, offset: 0, unit: 'kW' });
  assert.equal(d.registers[1]!.wordOrder, 'big');
  assert.deepEqual(cfg.backoff, { minMs: 500, maxMs: 30000, factor: 2, jitter: 0.5 });
});

test('a bad field names the device, the register, the field, the value and what was expected', () => {
  const msg = problemsOf({ devices: [device([reg, { ...reg, metric: 'temp', address: 4, type: 'int8' }])] });
  assert.match(msg, /device 'inv-1' register 'temp' \(devices\[0\]\.registers\[1\]\): field 'type' must be one of bool, int16, uint16, int32, uint32, float32; got "int8"/);
});

test('each problem carries its path in display form, for schema and semantic checks alike', () => {
  try {
    parseModbusConfig({ backoff: { minMs: 9, maxMs: 1 }, devices: [device([{ ...reg, type: 'int8' }]), device([{ ...reg, function: 'coil' }], { device: 'x' })] });
    assert.fail('accepted');
  } catch (e) {
    assert.ok(isOutpostError(e, 'ERR_CONFIG_INVALID'));
    assert.deepEqual((e.details!.problems as Array<{ path: string }>).map((p) => p.path).sort(), ['devices[0].registers[0].type']);
  }
  try {
    parseModbusConfig({ backoff: { minMs: 9, maxMs: 1 }, devices: [device([{ ...reg, function: 'coil' }])] });
    assert.fail('accepted');
  } catch (e) {
    assert.ok(isOutpostError(e, 'ERR_CONFIG_INVALID'));
    assert.deepEqual((e.details!.problems as Array<{ path: string }>).map((p) => p.path).sort(), ['backoff.minMs', 'devices[0].registers[0].type']);
  }
});

test('every problem is listed at once: missing fields, unknown fields, out-of-range numbers', () => {
  const msg = problemsOf({ devices: [device([{ metric: 'x', address: 70000, function: 'holding', type: 'uint16', scael: 2 }, { metric: 'y', function: 'input', type: 'int16' }], { unitId: 300 })] });
  assert.match(msg, /\(4 problems\)/);
  assert.match(msg, /register 'x' \(devices\[0\]\.registers\[0\]\): field 'address' must be <= 65535; got 70000/);
  assert.match(msg, /register 'x' \(devices\[0\]\.registers\[0\]\): field 'scael' is not a known field/);
  assert.match(msg, /register 'y' \(devices\[0\]\.registers\[1\]\): field 'address' is required/);
  assert.match(msg, /device 'inv-1' \(devices\[0\]\): field 'unitId' must be <= 255; got 300/);
});

test('checks beyond the schema: bit tables hold bools, no room past 65535, duplicate metrics and devices, backoff order, zero scale', () => {
  const msg = problemsOf({
    backoff: { minMs: 5000, maxMs: 100 },
    devices: [
      device([{ metric: 'run', address: 0, function: 'coil', type: 'uint16' }, { metric: 'e', address: 65535, function: 'holding', type: 'uint32' }, { metric: 'e', address: 3, function: 'holding', type: 'uint16' }]),
      device([{ metric: 'flag', address: 0, function: 'discrete', type: 'bool', scale: 10 }]),
    ],
  });
  assert.match(msg, /register 'run' .*field 'type' must be bool for a coil; got "uint16"/);
  assert.match(msg, /register 'e' .*field 'address' 65535 leaves no room for a uint32/);
  assert.match(msg, /register 'e' \(devices\[0\]\.registers\[2\]\): field 'metric' duplicates/);
  assert.match(msg, /device 'inv-1' \(devices\[1\]\): field 'device' duplicates/);
  assert.match(msg, /register 'flag' .*'scale'\/'offset' do not apply to a bool/);
  assert.match(msg, /backoff: field 'minMs' \(5000\) must not exceed 'maxMs' \(100\)/);
  assert.match(problemsOf({ devices: [device([{ ...reg, scale: 0 }])] }), /field 'scale' must not be 0; got 0/);
});

test('non-objects and missing device lists are rejected, and the input is never modified', () => {
  assert.match(problemsOf(null), /top level must be object/);
  assert.match(problemsOf({}), /field 'devices' is required/);
  const input = { devices: [device([reg])] };
  const before = JSON.stringify(input);
  parseModbusConfig(input);
  assert.equal(JSON.stringify(input), before);
});
