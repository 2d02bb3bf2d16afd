import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { loadConfig } from '@outpost/config';
import { isOutpostError } from '@outpost/contract';
import { tempDir } from '@outpost/testing';
import { createHub, startHub } from './index.js';

const data = tempDir('outpost-hub-server-');
after(data.cleanup);
const hubConfig = (port: number) => loadConfig({ overrides: { hub: { port, dataDir: data.dir, log: { level: 'silent' } } } }).hub;

test('GET /health and /v1/info over a real socket', async (t) => {
  const hub = await startHub(hubConfig(0));
  t.after(() => hub.stop());
  assert.match(hub.url, /^http:\/\/127\.0\.0\.1:\d+$/);
  assert.notEqual(hub.address.port, 0);
  const health = await fetch(`${hub.url}/health`);
  assert.equal(health.status, 200);
  assert.deepEqual(await health.json(), { status: 'ok' });
  const info = (await (await fetch(`${hub.url}/v1/info`)).json()) as Record<string, unknown>;
  assert.equal(info.name, 'outpost-hub');
  assert.equal(info.version, '0.1.0');
  assert.equal(typeof info.uptimeMs, 'number');
});

test('uptime follows the injected clock', async () => {
  let now = 1_000_000;
  const app = await createHub(hubConfig(0), { now: () => now });
  now += 2500;
  const res = await app.inject({ method: 'GET', url: '/v1/info' });
  assert.equal(res.json().uptimeMs, 2500);
  assert.equal(res.json().startedAt, new Date(1_000_000).toISOString());
  await app.close();
});

test('a taken port fails with ERR_PORT_IN_USE naming the setting', async (t) => {
  const blocker = createServer();
  await new Promise<void>((r) => blocker.listen(0, '127.0.0.1', r));
  t.after(() => new Promise<void>((r) => blocker.close(() => r())));
  const port = (blocker.address() as { port: number }).port;
  await assert.rejects(startHub(hubConfig(port)), (e: unknown) => {
    assert.ok(isOutpostError(e, 'ERR_PORT_IN_USE'));
    assert.equal(e.message, `hub.port: 127.0.0.1:${port} is already in use by another process; expected a free port (set hub.port or OUTPOST_HUB_PORT, 0 picks any)`);
    return true;
  });
});
