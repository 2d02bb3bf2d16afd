import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import { statSync } from 'node:fs';
import { loadConfig } from '@outpost/config';
import { tempDir, waitFor } from '@outpost/testing';
// Test-only: the real hub, so the client is exercised against the routes it will meet.
import { startHub } from '@outpost/hub';
import { HubClient } from './client.js';

const PASSWORD = 'correct horse battery staple';

/** A stand-in for "restart the gateway with this config": binds the configured HTTP port for real. */
function fakeGatewayRuntime() {
  let server: Server | undefined;
  const applied: Array<string | null> = [];
  return {
    applied,
    port: () => (server?.address() as { port: number } | null)?.port,
    async apply(body: Record<string, unknown> | null, version: string | null) {
      await new Promise<void>((r) => (server ? server.close(() => r()) : r()));
      server = undefined;
      const port = ((body?.http as { port?: number } | undefined)?.port) ?? 0;
      const s = createServer((_q, res) => res.end('ok'));
      await new Promise<void>((resolve, reject) => { s.once('error', reject); s.listen(port, '127.0.0.1', () => resolve()); });
      server = s;
      applied.push(version);
    },
    close: () => new Promise<void>((r) => (server ? server.close(() => r()) : r())),
  };
}

test('a gateway registers with a token, reports health, gets a config push, rolls back a config that fails to start, and its data is queryable', async (t) => {
  const tmp = tempDir('outpost-hubclient-');
  t.after(tmp.cleanup);
  const hub = await startHub(loadConfig({ overrides: { hub: { port: 0, dataDir: `${tmp.dir}/hub`, log: { level: 'silent' } } } }).hub);
  t.after(() => hub.stop());
  const api = async (method: string, path: string, body?: unknown, token?: string) => {
    const r = await fetch(`${hub.url}${path}`, { method, headers: { ...(body !== undefined ? { 'content-type': 'application/json' } : {}), ...(token ? { authorization: `Bearer ${token}` } : {}) }, ...(body !== undefined ? { body: JSON.stringify(body) } : {}) });
    return { status: r.status, json: (await r.json()) as any };
  };
  await api('POST', '/v1/setup', { orgName: 'Acme', email: 'root@acme.test', password: PASSWORD });
  const admin = (await api('POST', '/v1/sessions', { email: 'root@acme.test', password: PASSWORD })).json.token as string;
  const reg = (await api('POST', '/v1/registration-tokens', {}, admin)).json.token as string;

  const runtime = fakeGatewayRuntime();
  t.after(runtime.close);
  const stateFile = `${tmp.dir}/gw/hub-client.json`;
  const client = new HubClient({
    hubUrl: hub.url, hardwareId: 'box-1', registrationToken: reg, stateFile,
    health: () => ({ status: 'online', uptimeS: 1, versions: { gateway: '0.1.0' }, system: { cpu: 0.1 }, buffer: { pendingBatches: 0 } }),
    applyConfig: (b, v) => runtime.apply(b, v),
  });
  t.after(() => client.stop());
  client.log('info', 'not shipped: below the level');
  client.log('error', 'modbus device 3 unreachable', 'sources');
  client.log('warn', 'uplink batch retried', 'uplink');
  client.log('warn', 'a service name the hub would refuse is dropped', 'Not A Service!');
  await client.start();
  const id = client.deviceId!;
  const logs = await api('GET', `/v1/devices/${id}/logs`, undefined, admin);
  assert.deepEqual(logs.json.items.map((l: { level: string; msg: string; service: string | null }) => [l.level, l.msg, l.service]), [
    ['error', 'modbus device 3 unreachable', 'sources'], ['warn', 'uplink batch retried', 'uplink'], ['warn', 'a service name the hub would refuse is dropped', null],
  ]);
  // The hub filters by service (one or several), and refuses a malformed service name in the query.
  const byService = await api('GET', `/v1/devices/${id}/logs?service=uplink`, undefined, admin);
  assert.deepEqual(byService.json.items.map((l: { msg: string }) => l.msg), ['uplink batch retried']);
  const two = await api('GET', `/v1/devices/${id}/logs?service=uplink&service=sources&level=error`, undefined, admin);
  assert.deepEqual(two.json.items.map((l: { msg: string }) => l.msg), ['modbus device 3 unreachable']);
  assert.equal((await api('GET', `/v1/devices/${id}/logs?service=${encodeURIComponent('Bad Name')}`, undefined, admin)).status, 400);
  assert.equal((statSync(stateFile).mode & 0o777), 0o600, 'the credential is stored owner-only');
  const dev = await api('GET', `/v1/devices/${id}`, undefined, admin);
  assert.deepEqual([dev.json.hardwareId, dev.json.status, dev.json.lastHeartbeat.system.cpu], ['box-1', 'online', 0.1]);

  const blocker = createServer();
  await new Promise<void>((r) => blocker.listen(0, '127.0.0.1', r));
  t.after(() => new Promise<void>((r) => blocker.close(() => r())));
  const taken = (blocker.address() as { port: number }).port;
  const free = await new Promise<number>((r) => { const s = createServer(); s.listen(0, '127.0.0.1', () => { const p = (s.address() as { port: number }).port; s.close(() => r(p)); }); });

  assert.equal((await api('POST', `/v1/devices/${id}/configs`, { config: { http: { port: free } } }, admin)).status, 201);
  await client.heartbeat();
  assert.equal(client.appliedVersion, 'd1');
  assert.equal(runtime.port(), free);

  assert.equal((await api('POST', `/v1/devices/${id}/configs`, { config: { http: { port: taken } } }, admin)).status, 201);
  await client.heartbeat();
  assert.equal(client.appliedVersion, 'd1', 'a config that fails to start is rolled back');
  assert.equal(runtime.port(), free);
  assert.match(client.lastError!, /d2|EADDRINUSE|failed to start/);
  await client.heartbeat();
  const reported = await api('GET', `/v1/devices/${id}`, undefined, admin);
  assert.deepEqual([reported.json.appliedConfig, reported.json.desiredConfig], ['d1', 'd2']);
  assert.match(reported.json.configError, /failed to start: .*EADDRINUSE.*rolled back to d1/);
  assert.deepEqual(runtime.applied, ['d1', 'd1'], 'd2 failed to bind, d1 was started again');

  // The admin rolls back on the hub too: the device is converged again, error cleared.
  assert.equal((await api('POST', `/v1/devices/${id}/configs/1/activate`, undefined, admin)).status, 200);
  const beat = await client.heartbeat();
  assert.deepEqual(beat.config, { version: 'd1' });
  assert.equal(client.lastError, null);
  await client.heartbeat();
  assert.equal((await api('GET', `/v1/devices/${id}`, undefined, admin)).json.configError, null);

  const now = Date.now();
  const { batchId } = await client.sendMetrics([{ name: 'temp', ts: now, value: 21.5, unit: 'degC' }]);
  await waitFor(async () => (await api('GET', `/v1/ingest/batches/${batchId}`, undefined, admin)).json.status === 'stored');
  const pts = await api('GET', `/v1/points?device=${id}&metric=temp&from=${now - 1000}&to=${now + 1000}`, undefined, admin);
  assert.deepEqual(pts.json.items, [{ ts: now, value: 21.5, unit: 'degC' }]);

  assert.match(await client.currentToken(), /^odt\./);
  // A restart reuses the stored identity: no token needed, no re-registration.
  await client.stop();
  const again = new HubClient({ hubUrl: hub.url, hardwareId: 'box-1', stateFile, health: () => ({ status: 'online' }), applyConfig: (b, v) => runtime.apply(b, v) });
  t.after(() => again.stop());
  await again.start();
  assert.equal(again.deviceId, id);
  assert.equal(again.appliedVersion, 'd1');
});

test('a config that fails gateway validation is never applied and its error is reported', async (t) => {
  const tmp = tempDir('outpost-hubclient-');
  t.after(tmp.cleanup);
  let served: unknown = { version: 'd9', body: { store: { maxMb: 'lots' } } };
  // The only way to make the hub offer an invalid config is a hub that skipped validation: a tiny stand-in hub.
  const fake = createServer((req, res) => {
    let data = '';
    req.on('data', (c) => (data += c));
    req.on('end', () => {
      res.setHeader('content-type', 'application/json');
      if (req.url === '/v1/register') return res.end(JSON.stringify({ deviceId: 'd', orgId: 'o', credential: 'c', deviceToken: { token: 't', expiresAt: Date.now() + 3_600_000 }, heartbeatIntervalS: 30 }));
      const body = JSON.parse(data) as { config: { applied: string | null; error: string | null } };
      lastReport = body.config;
      res.end(JSON.stringify({ deviceId: 'd', heartbeatIntervalS: 30, config: served }));
    });
  });
  let lastReport: { applied: string | null; error: string | null } | undefined;
  await new Promise<void>((r) => fake.listen(0, '127.0.0.1', r));
  t.after(() => new Promise<void>((r) => fake.close(() => r())));
  const applied: unknown[] = [];
  const client = new HubClient({
    hubUrl: `http://127.0.0.1:${(fake.address() as { port: number }).port}`, hardwareId: 'x', registrationToken: 'ort', stateFile: `${tmp.dir}/s.json`,
    health: () => ({ status: 'online' }), applyConfig: async (b) => { applied.push(b); },
  });
  t.after(() => client.stop());
  await client.start();
  assert.deepEqual(applied, []);
  assert.match(client.lastError!, /invalid: .*gateway\.store\.maxMb/);
  await client.heartbeat();
  assert.deepEqual(lastReport, { applied: null, error: client.lastError });
  served = { version: 'd10', body: { log: { level: 'warn' } } };
  await client.heartbeat();
  assert.equal(client.appliedVersion, 'd10');
  assert.deepEqual(applied, [{ log: { level: 'warn' } }]);
});
