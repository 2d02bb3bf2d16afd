import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tempDir, waitFor } from '@outpost/testing';
import { startSupervisor } from './supervisor.js';
import { readOtaState, unpackInto, writeOtaState, type SoftwareBundle } from './slots.js';

// Slot entries as plain CommonJS, run as real child processes. Version 1 reports healthy and, once,
// asks to switch to slot b; version 2 starts but never reports healthy.
const v1 = `
const { writeFileSync, readFileSync } = require('node:fs');
const root = process.env.OUTPOST_OTA_ROOT;
writeFileSync(root + '/running-' + process.env.OUTPOST_SOFTWARE_VERSION, String(process.pid));
process.on('message', (m) => {
  const s = JSON.parse(readFileSync(root + '/ota-state.json', 'utf8'));
  if (m.type === 'committed' && !s.lastFailure && require('node:fs').existsSync(root + '/switch-please')) process.send({ type: 'switch', slot: 'b', version: '2' });
});
process.send({ type: 'healthy' });
setInterval(() => {}, 1000);
`;
const silent = `require('node:fs').writeFileSync(process.env.OUTPOST_OTA_ROOT + '/running-' + process.env.OUTPOST_SOFTWARE_VERSION, 'x'); setInterval(() => {}, 1000);\n`;
const bundle = (version: string, main: string): SoftwareBundle => ({ format: 'outpost.bundle/1', version, entry: 'main.cjs', files: { 'main.cjs': Buffer.from(main).toString('base64') } });

function slots() {
  const tmp = tempDir('outpost-sup-');
  const root = join(tmp.dir, 'ota');
  unpackInto(root, 'a', bundle('1', v1));
  unpackInto(root, 'b', bundle('2', silent));
  writeOtaState(root, { active: 'a', trial: null, lastFailure: null });
  return { root, cleanup: tmp.cleanup };
}

test('supervisor: a new version silent past the health timeout is stopped and the old slot runs again, with the reason kept', async (t) => {
  const { root, cleanup } = slots();
  writeFileSync(join(root, 'switch-please'), '');
  const sup = startSupervisor({ root, healthTimeoutMs: 1500, execArgv: [] });
  t.after(async () => { await sup.stop(); cleanup(); });
  await waitFor(() => readOtaState(root).lastFailure, { timeoutMs: 20_000, what: 'the switch to fail' });
  assert.ok(existsSync(join(root, 'running-2')), 'version 2 was started on trial');
  const s = readOtaState(root);
  assert.deepEqual([s.active, s.trial, s.lastFailure?.version], ['a', null, '2']);
  assert.match(s.lastFailure!.error, /^2 did not report healthy within 1500 ms; the supervisor switched back to 1$/);
  await waitFor(() => sup.child()?.connected, { what: 'version 1 running again' });
});

test('supervisor: one that was cut off during a trial (reboot, crash) boots the committed slot and records the interrupted switch', async (t) => {
  const { root, cleanup } = slots();
  writeOtaState(root, { active: 'a', trial: { slot: 'b', version: '2', startedAt: 1 }, lastFailure: null });
  const sup = startSupervisor({ root, healthTimeoutMs: 1500, execArgv: [] });
  t.after(async () => { await sup.stop(); cleanup(); });
  await waitFor(() => existsSync(join(root, 'running-1')), { timeoutMs: 20_000, what: 'version 1 running' });
  assert.ok(!existsSync(join(root, 'running-2')), 'the interrupted version is not started again');
  const s = readOtaState(root);
  assert.deepEqual([s.active, s.trial], ['a', null]);
  assert.match(s.lastFailure!.error, /the switch to 2 was interrupted \(supervisor restarted before it reported healthy\)/);
});
