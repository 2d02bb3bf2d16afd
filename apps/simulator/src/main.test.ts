import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { parseModbusConfig } from '@outpost/connectors/modbus/index';

const MAIN = fileURLToPath(new URL('./main.ts', import.meta.url));
const run = (...args: string[]) => spawnSync(process.execPath, ['--import', 'tsx', MAIN, ...args], { encoding: 'utf8', timeout: 20_000 });

test('--help explains the options and exits 0', () => {
  const r = run('--help');
  assert.equal(r.status, 0);
  assert.match(r.stdout, /--mqtt-url <url>/);
  assert.match(r.stdout, /--print-register-map/);
});

test('--print-register-map emits a config the gateway Modbus connector accepts', () => {
  const r = run('--modbus-port', '1502', '--print-register-map');
  assert.equal(r.status, 0, r.stderr);
  const cfg = parseModbusConfig(JSON.parse(r.stdout));
  assert.deepEqual(cfg.devices.map((d) => [d.device, d.port, d.unitId]), [['inverter-1', 1502, 1], ['meter-1', 1502, 2], ['pump-1', 1502, 3], ['tracker-1', 1502, 4]]);
});

test('bad arguments exit 2 with a message naming the option and the value', () => {
  const r = run('--qos', '7', '--mqtt-url', 'mqtt://127.0.0.1:1');
  assert.equal(r.status, 2);
  assert.match(r.stderr, /--qos must be an integer from 0 to 2; got "7"/);
  const u = run('--frobnicate');
  assert.equal(u.status, 2);
  assert.match(u.stderr, /Unknown option '--frobnicate'/);
});
