import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { loadConfig } from '@outpost/config';
import { startHub } from '@outpost/hub';
import { tempDir } from '@outpost/testing';
import { run } from '../run.js';
import { captureIo } from '../test-io.js';

const PASSWORD = 'correct horse battery staple';

test('outpost deploy: upload an artifact, create and start a canary, status with failures by reason, pause/resume/rollback, history; bad input exits 2 or 4', async (t) => {
  const tmp = tempDir();
  t.after(tmp.cleanup);
  const hub = await startHub(loadConfig({ overrides: { hub: { port: 0, host: '127.0.0.1', dataDir: tmp.dir, log: { level: 'silent' } } as never } }).hub);
  t.after(() => hub.stop());
  const call = async (method: string, path: string, body?: unknown, token?: string) => {
    const res = await fetch(hub.url + path, { method, headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) }, ...(body ? { body: JSON.stringify(body) } : {}) });
    return (await res.json()) as any;
  };
  await call('POST', '/v1/setup', { orgName: 'Acme', email: 'a@acme.test', password: PASSWORD });
  const token = (await call('POST', '/v1/sessions', { email: 'a@acme.test', password: PASSWORD })).token as string;
  const devices: string[] = [];
  for (let i = 0; i < 4; i++) devices.push((await call('POST', '/v1/register', { token: (await call('POST', '/v1/registration-tokens', {}, token)).token, hardwareId: `hw-${i}` })).deviceId);
  const hubFlags = ['--url', hub.url, '--token', token];
  const cli = async (args: string[], code = 0) => {
    const io = captureIo();
    assert.equal(await run(args, io), code, `${args.join(' ')}: ${io.stderr()}`);
    return io;
  };

  const file = `${tmp.dir}/limits.json`;
  writeFileSync(file, '{"rules": ["temp < 90"]}');
  assert.match((await cli(['deploy', 'upload', 'rule', 'limits', '1', file, '--note', 'first', ...hubFlags])).stdout(), /^rule limits@1: 24 bytes, sha256 [0-9a-f]{64}, signed by [0-9a-f]{16}$/m);
  const created = await cli(['deploy', 'create', 'rule', 'limits', '1', '--devices', devices.join(','), '--strategy', 'canary', '--count', '1', '--soak', '60', '--max-failures', '0', '--device-timeout', '60', '--start', '--json', ...hubFlags]);
  const dep = JSON.parse(created.stdout());
  assert.deepEqual([dep.state, dep.progress.devices, dep.progress.released, dep.gates], ['running', 4, 1, { maxFailures: 0 }]);
  assert.match((await cli(['deploy', 'pause', dep.id, ...hubFlags])).stdout(), /: paused — paused by /);
  assert.match((await cli(['deploy', 'resume', dep.id, ...hubFlags])).stdout(), /: running\n {2}rule limits@1, batch 0: 4 devices, 0 active, 0 failed, 0 rolled back, 0 skipped, 1 in progress/);
  assert.match((await cli(['deploy', 'rollback', dep.id, ...hubFlags])).stdout(), /: rolled_back — rolled back by .*\n.*3 skipped/);
  assert.match((await cli(['deploy', 'list', ...hubFlags])).stdout(), new RegExp(`^${dep.id} rule limits@1: rolled_back`, 'm'));
  const canary = JSON.parse((await cli(['deploy', 'status', dep.id, '--json', ...hubFlags])).stdout());
  assert.equal(canary.progress.skipped, 3);
  assert.match((await cli(['deploy', 'history', devices[0]!, ...hubFlags])).stdout(), /rule limits@1: (pending|skipped)/);

  assert.match((await cli(['deploy', 'resume', dep.id, ...hubFlags], 4)).stderr(), /409 ERR_DEPLOYMENT_STATE: cannot resume deployment .*: it is rolled_back; resume needs paused/);
  assert.match((await cli(['deploy', 'create', 'rule', 'limits', '9', '--devices', devices[0]!, ...hubFlags], 4)).stderr(), /400 ERR_DEPLOYMENT_INVALID: rule limits@9 is not an uploaded artifact/);
  assert.match((await cli(['deploy', 'create', 'rule', 'limits', '1', '--strategy', 'ab', '--devices', devices[0]!, ...hubFlags], 2)).stderr(), /--version-b/);
  assert.match((await cli(['deploy', 'create', 'rule', 'limits', '1', '--strategy', 'warp', ...hubFlags], 2)).stderr(), /warp/);
});
