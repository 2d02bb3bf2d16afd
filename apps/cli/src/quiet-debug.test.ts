import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const preload = fileURLToPath(new URL('../bin/quiet-debug.mjs', import.meta.url));
// Parses one MQTT packet with mqtt-packet and reports which `debug` it got.
const probe = `
  const { createRequire } = require('node:module');
  const mp = require.resolve('mqtt-packet');
  const debug = createRequire(mp)('debug');
  const parser = require('mqtt-packet').parser();
  let got; parser.on('packet', (p) => { got = p.cmd; });
  parser.parse(Buffer.from([0xc0, 0x00]));
  console.log(JSON.stringify({ quiet: debug[Symbol.for('outpost.quietDebug')] === true, enabled: debug('mqtt-packet:parser').enabled, got }));
`;

function run(env: Record<string, string>) {
  const r = spawnSync(process.execPath, ['--import', preload, '-e', probe], { env: { ...process.env, DEBUG: '', ...env }, encoding: 'utf8', cwd: fileURLToPath(new URL('..', import.meta.url)) });
  assert.equal(r.status, 0, r.stderr);
  return { ...JSON.parse(r.stdout.trim()) as { quiet: boolean; enabled: boolean; got: string }, stderr: r.stderr };
}

test('without DEBUG, the MQTT stack gets no-op debug loggers; packets still parse', () => {
  const r = run({});
  assert.deepEqual({ quiet: r.quiet, enabled: r.enabled, got: r.got }, { quiet: true, enabled: false, got: 'pingreq' });
  assert.equal(r.stderr, '');
});

test('with DEBUG set, debug is left alone and logs as usual', () => {
  const r = run({ DEBUG: 'mqtt-packet:parser' });
  assert.deepEqual({ quiet: r.quiet, enabled: r.enabled, got: r.got }, { quiet: false, enabled: true, got: 'pingreq' });
  assert.match(r.stderr, /mqtt-packet:parser parse: current state/);
});
