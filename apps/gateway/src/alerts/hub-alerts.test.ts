import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { loadConfig } from '@outpost/config';
import { tempDir, waitFor } from '@outpost/testing';
// Test-only: the real hub over real HTTP, as in hub-link.test.ts.
import { startHub } from '@outpost/hub';
import { startHubLink } from '../hub-link/supervisor.js';

const PASSWORD = 'correct horse battery staple';

test('an edge alert raised on a gateway reaches the hub\'s history; a cloud-only rule runs on the hub on the uplinked points, under the gateway\'s own device and metric names', async (t) => {
  const tmp = tempDir('outpost-hub-alerts-');
  t.after(tmp.cleanup);
  const hub = await startHub(loadConfig({ overrides: { hub: { port: 0, dataDir: `${tmp.dir}/hub`, heartbeatIntervalS: 1, log: { level: 'silent' } } } }).hub);
  t.after(() => hub.stop());
  const api = async (method: string, path: string, body?: unknown, token?: string) => {
    const r = await fetch(`${hub.url}${path}`, { method, headers: { ...(body !== undefined ? { 'content-type': 'application/json' } : {}), ...(token ? { authorization: `Bearer ${token}` } : {}) }, ...(body !== undefined ? { body: JSON.stringify(body) } : {}) });
    const text = await r.text();
    return { status: r.status, json: (text ? JSON.parse(text) : undefined) as any, text };
  };
  assert.equal((await api('POST', '/v1/setup', { orgName: 'Plant', email: 'admin@plant.test', password: PASSWORD })).status, 201);
  const admin = (await api('POST', '/v1/sessions', { email: 'admin@plant.test', password: PASSWORD })).json.token as string;
  const reg = await api('POST', '/v1/registration-tokens', {}, admin);

  const hot = { id: 'hot', kind: 'threshold', metric: 'temp', op: '>', raise: 90, clear: 80, severity: 'critical' };
  const cold = { id: 'cold', kind: 'threshold', metric: 'temp', op: '<', raise: 5, clear: 10, location: 'cloud' };
  // The hub evaluates the cloud-only rule (the gateway leaves it alone).
  const put = await api('PUT', '/v1/alert-rules', { rules: [cold] }, admin);
  assert.equal(put.status, 201, put.text);
  const file = `${tmp.dir}/outpost.json`;
  writeFileSync(file, JSON.stringify({ gateway: {
    id: 'line-1', dataDir: `${tmp.dir}/gw`, http: { port: 0 }, mqtt: { mode: 'off' },
    uplink: { lingerMs: 10, probeIntervalMs: 200, backoffMinMs: 50, backoffMaxMs: 500 },
    hub: { url: hub.url, registrationToken: reg.json.token, hardwareId: 'serial-7' },
    alerts: { rules: [hot, cold] },
  } }));
  const link = await startHubLink({ load: (pushed) => loadConfig({ file, overrides: pushed ? { gateway: pushed } as never : {} }).gateway });
  t.after(() => link.stop());
  const gatewayId = link.client.deviceId!;
  const base = link.gateway()!.addresses.http;
  const send = (points: unknown[]) => fetch(`${base}/v1/points`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(points) });
  const now = Date.now();
  assert.equal((await send([{ device: 'oven-3', metric: 'temp', ts: now, value: 95 }])).status, 200);

  const edge = await waitFor(async () => (await api('GET', '/v1/alerts?source=edge&state=open', undefined, admin)).json.items[0], { timeoutMs: 15_000, intervalMs: 100, what: 'the edge alert at the hub' });
  assert.deepEqual([edge.rule, edge.device, edge.gateway, edge.severity, edge.points[0].value], ['hot', 'oven-3', gatewayId, 'critical', 95]);
  const local = (await (await fetch(`${base}/v1/alerts`)).json()) as { alerts: Array<{ rule: string }> };
  assert.deepEqual(local.alerts.map((a) => a.rule), ['hot'], 'the gateway did not evaluate the cloud-only rule');

  // A cold point: the gateway stores and forwards it, the hub's rule raises on it.
  assert.equal((await send([{ device: 'oven-3', metric: 'temp', ts: now + 1, value: 2 }])).status, 200);
  const cloud = await waitFor(async () => (await api('GET', '/v1/alerts?source=cloud&state=open', undefined, admin)).json.items[0], { timeoutMs: 15_000, intervalMs: 100, what: 'the cloud alert' });
  assert.deepEqual([cloud.rule, cloud.device, cloud.gateway], ['cold', 'oven-3', null]);
  // The hot alert clears on the gateway (value 2 < 80) and the hub's copy follows.
  await waitFor(async () => (await api('GET', `/v1/alerts/${edge.id}`, undefined, admin)).json.state === 'cleared', { timeoutMs: 15_000, intervalMs: 100, what: 'the edge clear at the hub' });
});
