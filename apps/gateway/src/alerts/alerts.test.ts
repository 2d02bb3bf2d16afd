import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import Database from 'better-sqlite3';
import mqtt from 'mqtt';
import { loadConfig } from '@outpost/config';
import { startHub } from '@outpost/hub';
import { tempDir, waitFor } from '@outpost/testing';
import { startGateway } from '../gateway.js';

const TOKEN = 'alerts-gateway-token-0123456789';

test('gateway: a point published on MQTT raises an alert whose MQTT action a subscriber sees; ack and clear over the API; the hub holds the history', async (t) => {
  const { dir, cleanup } = tempDir('outpost-gw-alerts-');
  const hub = await startHub(loadConfig({ overrides: { hub: { port: 0, dataDir: `${dir}/hub`, log: { level: 'silent' }, auth: { rateLimitPerMinute: 1_000_000 }, uplink: { gateways: { 'gw-alerts': TOKEN } } } } }).hub);
  const cfg = loadConfig({
    overrides: {
      gateway: {
        id: 'gw-alerts', dataDir: dir, mqtt: { port: 0 }, http: { port: 0 }, log: { level: 'silent' },
        uplink: { enabled: true, url: `http://${hub.address.host}:${hub.address.port}`, token: TOKEN, lingerMs: 10, backoffMinMs: 50, backoffMaxMs: 200, points: { enabled: false } },
        alerts: {
          rules: [
            { id: 'overtemp', kind: 'threshold', metric: 'temp', op: '>', raise: 90, clear: 80, severity: 'critical', actions: [{ type: 'mqtt', topic: 'relay/{device}', payload: '{"relay":"on","alert":{id}}' }] },
            { id: 'cloud-only', kind: 'threshold', metric: 'temp', op: '>', raise: 0, location: 'cloud' },
          ],
        },
      },
    },
  });
  const gw = await startGateway(cfg.gateway);
  const sub = await mqtt.connectAsync(gw.addresses.mqtt!);
  t.after(async () => { await sub.endAsync(); await gw.stop(); await hub.stop(); cleanup(); });
  const seen: string[] = [];
  sub.on('message', (topic, m) => { if (topic.startsWith('relay/')) seen.push(`${topic} ${m.toString()}`); });
  await sub.subscribeAsync('relay/#', { qos: 1 });

  await sub.publishAsync('outpost/v1/pump-1/telemetry', JSON.stringify({ temp: 97 }), { qos: 1 });
  await waitFor(() => seen.length === 1, { what: 'the relay action on MQTT' });
  const list = await (await fetch(`${gw.addresses.http}/v1/alerts?state=open`)).json() as { alerts: { id: number; rule: string; severity: string; points: { value: number }[] }[] };
  assert.equal(list.alerts.length, 1, 'only the edge rule raised; the cloud-only rule was not evaluated');
  const a = list.alerts[0]!;
  assert.deepEqual([a.rule, a.severity, a.points[0]!.value], ['overtemp', 'critical', 97]);
  assert.equal(seen[0], `relay/pump-1 {"relay":"on","alert":${a.id}}`);

  const ack = await fetch(`${gw.addresses.http}/v1/alerts/${a.id}/ack`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ by: 'op-7' }) });
  assert.equal(ack.status, 200);
  const clr = await fetch(`${gw.addresses.http}/v1/alerts/${a.id}/clear`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
  assert.equal(clr.status, 200);
  const again = await fetch(`${gw.addresses.http}/v1/alerts/${a.id}/clear`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
  assert.equal(again.status, 400);
  assert.match(((await again.json()) as { error: { message: string } }).error.message, /already cleared/);
  assert.equal((await fetch(`${gw.addresses.http}/v1/alerts/9999/ack`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' })).status, 404);
  assert.equal((await fetch(`${gw.addresses.http}/v1/alerts?state=bogus`)).status, 400);

  const hubDb = `${dir}/hub/uplink.db`;
  const changes = async () => {
    if (!existsSync(hubDb)) return [];
    const db = new Database(hubDb, { readonly: true });
    try {
      if (!db.prepare("SELECT 1 FROM sqlite_master WHERE name = 'uplink_items'").get()) return [];
      return (db.prepare("SELECT class, body FROM uplink_items WHERE kind = 'alerts' ORDER BY seq, item_id").all() as { class: string; body: string }[])
        .flatMap((r) => (JSON.parse(r.body) as { changes: { change: string; alert: { id: number } }[] }).changes.map((c) => `${r.class}:${c.change}:${c.alert.id}`));
    } finally {
      db.close();
    }
  };
  const atHub = await waitFor(async () => { const c = await changes(); return c.length === 3 ? c : undefined; }, { what: 'the lifecycle at the hub', timeoutMs: 10_000 });
  assert.deepEqual(atHub, [`critical:raised:${a.id}`, `critical:acknowledged:${a.id}`, `critical:cleared:${a.id}`]);
});

test('gateway: a bad rule stops start-up with an error naming the setting', async () => {
  const { dir, cleanup } = tempDir('outpost-gw-alerts-');
  try {
    const cfg = loadConfig({ overrides: { gateway: { dataDir: dir, mqtt: { mode: 'off' }, http: { port: 0 }, alerts: { rules: [{ id: 'fence', kind: 'geofence', polygon: [[10, 50], [11, 50], [11, 51], [10, 51]] }] } } } });
    await assert.rejects(startGateway(cfg.gateway), /gateway\.alerts\.rules\[0\]\.polygon\[0\]: the polygon is not closed/);
  } finally {
    cleanup();
  }
});
