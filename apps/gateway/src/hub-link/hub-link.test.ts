import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { writeFileSync } from 'node:fs';
import { loadConfig } from '@outpost/config';
import { freePort, tempDir, waitFor } from '@outpost/testing';
// Test-only: the real hub over real HTTP, so the gateway meets the routes it will meet in a fleet.
import { startHub } from '@outpost/hub';
import { startHubLink } from './supervisor.js';

const PASSWORD = 'correct horse battery staple';

test('a gateway started with a registration token appears in the hub, reports health, applies a pushed config, rolls back one that fails to start, converges after a hub rollback, and its data is queryable on the hub', async (t) => {
  const tmp = tempDir('outpost-hublink-');
  t.after(tmp.cleanup);
  // The hub asks for a beat every second so convergence happens within the test's time.
  const hub = await startHub(loadConfig({ overrides: { hub: { port: 0, dataDir: `${tmp.dir}/hub`, heartbeatIntervalS: 1, log: { level: 'silent' } } } }).hub);
  t.after(() => hub.stop());
  const api = async (method: string, path: string, body?: unknown, token?: string) => {
    const r = await fetch(`${hub.url}${path}`, { method, headers: { ...(body !== undefined ? { 'content-type': 'application/json' } : {}), ...(token ? { authorization: `Bearer ${token}` } : {}) }, ...(body !== undefined ? { body: JSON.stringify(body) } : {}) });
    const text = await r.text();
    return { status: r.status, json: (text ? JSON.parse(text) : undefined) as any, text };
  };
  // A system admin sets up the hub, creates the organisation Plant and its org admin.
  assert.equal((await api('POST', '/v1/setup', { orgName: 'Operator', email: 'root@op.test', password: PASSWORD })).status, 201);
  const root = (await api('POST', '/v1/sessions', { email: 'root@op.test', password: PASSWORD })).json.token as string;
  const org = await api('POST', '/v1/orgs', { name: 'Plant' }, root);
  assert.equal(org.status, 201, org.text);
  assert.equal((await api('POST', '/v1/users', { email: 'admin@plant.test', password: PASSWORD, role: 'org_admin', orgId: org.json.id }, root)).status, 201);
  const admin = (await api('POST', '/v1/sessions', { email: 'admin@plant.test', password: PASSWORD })).json.token as string;
  const reg = await api('POST', '/v1/registration-tokens', {}, admin);
  assert.equal(reg.status, 201, reg.text);

  // The gateway's local config, as a file/env/flags would give it; pushed sections merge over it.
  const local = {
    id: 'press-line-1', dataDir: `${tmp.dir}/gw`,
    http: { port: 0 }, mqtt: { mode: 'off' },
    uplink: { lingerMs: 10, probeIntervalMs: 200, backoffMinMs: 50, backoffMaxMs: 500 },
    hub: { url: hub.url, registrationToken: reg.json.token, hardwareId: 'serial-0042' },
  };
  const file = `${tmp.dir}/outpost.json`;
  writeFileSync(file, JSON.stringify({ gateway: local }));
  const link = await startHubLink({ load: (pushed) => loadConfig({ file, overrides: pushed ? { gateway: pushed } as never : {} }).gateway });
  t.after(() => link.stop());
  const id = link.client.deviceId!;

  // Registered and online in the org's device list; the first beat carried health and buffer status.
  const list = await api('GET', '/v1/devices?status=online', undefined, admin);
  assert.deepEqual(list.json.items.map((d: { id: string; hardwareId: string }) => [d.id, d.hardwareId]), [[id, 'serial-0042']]);
  const dev = (await api('GET', `/v1/devices/${id}`, undefined, admin)).json;
  assert.equal(dev.lastHeartbeat.services.gateway, 'running');
  assert.equal(typeof dev.lastHeartbeat.system.memory, 'number');
  assert.equal(typeof dev.lastHeartbeat.buffer.pendingBytes, 'number');
  assert.equal(dev.lastHeartbeat.buffer.capacityBytes, 256 * 1024 * 1024, 'the uplink buffer status of this gateway');

  // Push 1: a stricter future limit. The gateway restarts with it and reports d1.
  assert.equal(link.config().ingest.maxFutureMs, 300_000);
  assert.equal((await api('POST', `/v1/devices/${id}/configs`, { config: { ingest: { maxFutureMs: 1000 } } }, admin)).status, 201);
  await waitFor(async () => (await api('GET', `/v1/devices/${id}`, undefined, admin)).json.appliedConfig === 'd1', { timeoutMs: 10_000, intervalMs: 100 });
  assert.equal(link.config().ingest.maxFutureMs, 1000);
  const strict = await ingest(link.gateway()!.addresses.http, [{ device: 'm1', metric: 'temp', ts: Date.now() + 60_000, value: 1 }]);
  assert.deepEqual(strict.rejected.map((r) => r.reason), ['future_timestamp'], 'the running gateway enforces the pushed setting');

  // Push 2: an HTTP port that is taken. The restart fails, the gateway rolls back to d1 on its own.
  const blocker = createServer();
  await new Promise<void>((r) => blocker.listen(0, '127.0.0.1', r));
  t.after(() => new Promise<void>((r) => blocker.close(() => r())));
  const taken = (blocker.address() as { port: number }).port;
  assert.equal((await api('POST', `/v1/devices/${id}/configs`, { config: { ingest: { maxFutureMs: 1000 }, http: { port: taken } } }, admin)).status, 201);
  const failed = await waitFor(async () => {
    const d = (await api('GET', `/v1/devices/${id}`, undefined, admin)).json;
    return d.configError ? d : undefined;
  }, { timeoutMs: 10_000, intervalMs: 100 });
  assert.deepEqual([failed.desiredConfig, failed.appliedConfig], ['d2', 'd1']);
  assert.match(failed.configError, /failed to start: .*gateway\.http\.port.*rolled back to d1/);
  assert.ok(link.gateway(), 'a gateway runs after the rollback');
  assert.equal(link.config().ingest.maxFutureMs, 1000);
  assert.notEqual(new URL(link.gateway()!.addresses.http).port, String(taken));

  // The admin rolls back on the hub to version 1 (d1): the device converges and the error clears.
  assert.equal((await api('POST', `/v1/devices/${id}/configs/1/activate`, undefined, admin)).status, 200);
  await waitFor(async () => {
    const d = (await api('GET', `/v1/devices/${id}`, undefined, admin)).json;
    return d.desiredConfig === 'd1' && d.appliedConfig === 'd1' && d.configError === null;
  }, { timeoutMs: 10_000, intervalMs: 100 });

  // Points ingested on the gateway travel through the uplink as this device and are queryable.
  const now = Date.now();
  const ok = await ingest(link.gateway()!.addresses.http, [{ device: 'm1', metric: 'temp', ts: now, value: 21.5, unit: 'degC' }, { device: 'm1', metric: 'temp', ts: now + 1, value: 21.7, unit: 'degC' }]);
  assert.equal(ok.accepted, 2);
  const pts = await waitFor(async () => {
    const r = await api('GET', `/v1/points?device=${id}&metric=${encodeURIComponent('m1/temp')}&from=${now - 1000}&to=${now + 1000}`, undefined, admin);
    return r.json?.items?.length === 2 ? r.json.items : undefined;
  }, { timeoutMs: 15_000, intervalMs: 100 });
  assert.deepEqual(pts, [{ ts: now, value: 21.5, unit: 'degC' }, { ts: now + 1, value: 21.7, unit: 'degC' }]);
  // Another organisation does not see them.
  assert.equal((await api('GET', `/v1/points?device=${id}&metric=m1%2Ftemp&from=${now - 1000}&to=${now + 1000}`, undefined, root)).status, 404);

  // A restart (the token is spent) keeps the identity and starts straight on the applied version d1.
  await link.stop();
  const again = await startHubLink({ load: (pushed) => loadConfig({ file, overrides: pushed ? { gateway: pushed } as never : {} }).gateway });
  t.after(() => again.stop());
  assert.deepEqual([again.client.deviceId, again.client.appliedVersion, again.config().ingest.maxFutureMs], [id, 'd1', 1000]);
  assert.equal((await api('GET', '/v1/devices', undefined, admin)).json.total, 1, 'no second registration');

  // A version that no longer starts after a restart (its port was taken meanwhile): the local
  // config runs and the hub is told so.
  const port = await freePort();
  assert.equal((await api('POST', `/v1/devices/${id}/configs`, { config: { http: { port } } }, admin)).status, 201);
  await waitFor(() => again.client.appliedVersion === 'd3', { timeoutMs: 10_000, intervalMs: 50 });
  await again.stop();
  const squatter = createServer();
  await new Promise<void>((r) => squatter.listen(port, '127.0.0.1', r));
  t.after(() => new Promise<void>((r) => squatter.close(() => r())));
  const third = await startHubLink({ load: (pushed) => loadConfig({ file, overrides: pushed ? { gateway: pushed } as never : {} }).gateway });
  t.after(() => third.stop());
  assert.deepEqual([third.client.appliedVersion, third.config().http.port], [null, 0], 'the local config runs');
  const reported = await waitFor(async () => {
    const d = (await api('GET', `/v1/devices/${id}`, undefined, admin)).json;
    return d.configError ? d : undefined;
  }, { timeoutMs: 10_000, intervalMs: 100 });
  assert.deepEqual([reported.appliedConfig, reported.desiredConfig], [null, 'd3']);
  assert.match(reported.configError, /failed to start: gateway\.http\.port: .*; running the local config/);
});

async function ingest(base: string, points: unknown[]): Promise<{ accepted: number; rejected: Array<{ reason: string }> }> {
  const r = await fetch(`${base}/v1/points`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(points) });
  return (await r.json()) as { accepted: number; rejected: Array<{ reason: string }> };
}


test('a registered gateway whose hub is down at start runs and resumes heartbeats when the hub is back; a first start without the hub says why', async (t) => {
  const tmp = tempDir('outpost-hublink-');
  t.after(tmp.cleanup);
  const hubConfig = (port: number) => loadConfig({ overrides: { hub: { port, dataDir: `${tmp.dir}/hub`, heartbeatIntervalS: 1, log: { level: 'silent' } } } }).hub;
  let hub = await startHub(hubConfig(0));
  const port = Number(new URL(hub.url).port);
  const api = async (method: string, path: string, body?: unknown, token?: string) => {
    const r = await fetch(`${hub.url}${path}`, { method, headers: { ...(body !== undefined ? { 'content-type': 'application/json' } : {}), ...(token ? { authorization: `Bearer ${token}` } : {}) }, ...(body !== undefined ? { body: JSON.stringify(body) } : {}) });
    return (await r.json()) as any;
  };
  await api('POST', '/v1/setup', { orgName: 'Acme', email: 'root@acme.test', password: PASSWORD });
  const admin = (await api('POST', '/v1/sessions', { email: 'root@acme.test', password: PASSWORD })).token as string;
  const token = (await api('POST', '/v1/registration-tokens', {}, admin)).token as string;
  const file = `${tmp.dir}/outpost.json`;
  const hubSection = { url: hub.url, registrationToken: token, hardwareId: 'box-9', heartbeatIntervalMs: 200 };
  writeFileSync(file, JSON.stringify({ gateway: { dataDir: `${tmp.dir}/gw`, http: { port: 0 }, mqtt: { mode: 'off' }, hub: hubSection } }));
  const load = (pushed: Record<string, unknown> | null) => loadConfig({ file, overrides: pushed ? { gateway: pushed } as never : {} }).gateway;

  const first = await startHubLink({ load });
  const id = first.client.deviceId!;
  await first.stop();
  await hub.stop();

  const offline = await startHubLink({ load });
  t.after(() => offline.stop());
  assert.equal(offline.client.deviceId, id);
  assert.ok(offline.gateway()?.addresses.http, 'the gateway runs without its hub');
  const back = Date.now();
  hub = await startHub(hubConfig(port));
  t.after(() => hub.stop());
  const beats = await waitFor(async () => {
    const r = await api('GET', `/v1/devices/${id}/heartbeats?from=${back}&to=${Date.now() + 1000}`, undefined, admin);
    return r.items?.length > 0 ? r.items : undefined;
  }, { timeoutMs: 10_000, intervalMs: 100, what: 'a heartbeat after the hub came back' });
  assert.equal(beats[0].body.services.gateway, 'running');

  // A box that never registered cannot start without the hub: the error names the setting.
  const fresh = `${tmp.dir}/fresh.json`;
  const nowhere = `http://127.0.0.1:${await freePort()}`;
  writeFileSync(fresh, JSON.stringify({ gateway: { dataDir: `${tmp.dir}/gw2`, http: { port: 0 }, mqtt: { mode: 'off' }, hub: { url: nowhere, registrationToken: token, hardwareId: 'box-10' } } }));
  const refused = await startHubLink({ load: () => loadConfig({ file: fresh }).gateway }).then(() => 'started', (e: Error) => e.message);
  assert.equal(refused, `hub link: cannot register with the hub at ${nowhere} (gateway.hub.url): fetch failed (ECONNREFUSED)`);
});
