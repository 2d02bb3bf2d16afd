import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadConfig } from '@outpost/config';
import { startHub } from '@outpost/hub';
import { tempDir, waitFor } from '@outpost/testing';
import { run } from '../run.js';
import { captureIo } from '../test-io.js';

const PASSWORD = 'correct horse battery staple';

test('outpost gateway with gateway.hub.url registers with the token, appears online in the hub and stops on a signal', async (t) => {
  const tmp = tempDir('outpost-cli-hub-');
  t.after(tmp.cleanup);
  const hub = await startHub(loadConfig({ overrides: { hub: { port: 0, dataDir: `${tmp.dir}/hub`, log: { level: 'silent' } } } }).hub);
  t.after(() => hub.stop());
  const api = async (method: string, path: string, body?: unknown, token?: string) => {
    const r = await fetch(`${hub.url}${path}`, { method, headers: { ...(body !== undefined ? { 'content-type': 'application/json' } : {}), ...(token ? { authorization: `Bearer ${token}` } : {}) }, ...(body !== undefined ? { body: JSON.stringify(body) } : {}) });
    return (await r.json()) as any;
  };
  await api('POST', '/v1/setup', { orgName: 'Acme', email: 'root@acme.test', password: PASSWORD });
  const admin = (await api('POST', '/v1/sessions', { email: 'root@acme.test', password: PASSWORD })).token as string;
  const reg = (await api('POST', '/v1/registration-tokens', {}, admin)).token as string;

  let stop!: (signal: string) => void;
  const io = captureIo({}, new Promise<string>((r) => (stop = r)));
  const set = (kv: string) => ['--set', kv];
  const exit = run(['gateway',
    ...set(`gateway.dataDir=${tmp.dir}/gw`), ...set('gateway.http.port=0'), ...set('gateway.mqtt.mode=off'), ...set('gateway.log.level=silent'),
    ...set(`gateway.hub.url=${hub.url}`), ...set(`gateway.hub.registrationToken=${reg}`), ...set('gateway.hub.hardwareId=cli-box-7')], io);
  const device = await waitFor(async () => (await api('GET', '/v1/devices?status=online', undefined, admin)).items?.[0], { intervalMs: 50, what: 'the gateway online in the hub' });
  assert.equal(device.hardwareId, 'cli-box-7');
  await waitFor(() => io.stdout().includes(`device ${device.id}`), { what: 'the banner' });
  assert.match(io.stdout(), /^ {2}http {5}http:\/\/127\.0\.0\.1:\d+$/m);
  stop('SIGTERM');
  assert.equal(await exit, 0, io.stderr());
  assert.match(io.stdout(), /SIGTERM: stopping the gateway/);
});
