import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import mqtt from 'mqtt';
import { GatewayStore } from '@outpost/storage';
import { waitFor } from '@outpost/testing';
import { MIN, T0, startTestGateway, testDir } from './gateway-fixture.js';
import { MAX_WEBHOOKS_IN_FLIGHT } from './sinks.js';

const node = (id: string, kind: string, config: Record<string, unknown> = {}) => ({ id, kind, typeVersion: 1, config });

test('pipeline sinks on a real gateway: webhook, MQTT publish, alert, outbox (uplink) and a failing webhook as dead letters', async (t) => {
  const received: unknown[] = [];
  const hook = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => { body += c.toString(); });
    req.on('end', () => { received.push(JSON.parse(body)); res.writeHead(req.url === '/fail' ? 500 : 204).end(); });
  });
  await new Promise<void>((r) => hook.listen(0, '127.0.0.1', r));
  t.after(() => hook.close());
  const hookUrl = `http://127.0.0.1:${(hook.address() as AddressInfo).port}`;

  const dir = testDir(t);
  const g = await startTestGateway(t, dir, { uplink: { enabled: true, url: 'http://127.0.0.1:9', token: 'x'.repeat(16), points: { enabled: false } } }, { t: T0 + MIN });
  const sub = await mqtt.connectAsync(g.gw.addresses.mqtt!);
  t.after(() => sub.endAsync());
  const messages: Array<{ topic: string; payload: any }> = [];
  sub.on('message', (topic, payload) => messages.push({ topic, payload: JSON.parse(payload.toString()) }));
  await sub.subscribeAsync('alarms/#', { qos: 1 });

  const pipeline = {
    schemaVersion: 1, id: 'fanout',
    nodes: [
      node('in', 'input', { metrics: ['temp'] }),
      node('hot', 'alert', { rule: 'overheat', when: 'value > 90', severity: 'critical', message: '{device} at {value}' }),
      node('hook', 'webhook', { url: `${hookUrl}/ok`, headers: { 'x-test': 'yes' } }),
      node('bad', 'webhook', { url: `${hookUrl}/fail` }),
      node('pub', 'mqtt', { topic: 'alarms/{device}/{metric}', qos: 1 }),
      node('up', 'outbox', { priority: 'critical' }),
    ],
    edges: [{ from: 'in', to: 'hot' }, { from: 'hot', to: 'hook' }, { from: 'hot', to: 'bad' }, { from: 'hot', to: 'pub' }, { from: 'hot', to: 'up' }],
  };
  const saved = await g.call('POST', '/v1/pipelines', { pipeline, activate: true });
  assert.equal(saved.status, 201, JSON.stringify(saved.json));
  await g.post([{ device: 'oven-1', metric: 'temp', ts: T0, value: 95 }]);

  await waitFor(() => received.length === 2, { what: 'two webhook posts' });
  const ok = received.find((b: any) => b.nodeId === 'hook') as any;
  assert.deepEqual([ok.pipelineId, ok.items[0].value], ['fanout', 95]);
  const msg = await waitFor(() => messages[0], { what: 'MQTT message' });
  assert.deepEqual([msg.topic, msg.payload.device, msg.payload.value], ['alarms/oven-1/temp', 'oven-1', 95]);
  const status = await waitFor(async () => { const s = (await g.call('GET', '/v1/uplink/status')).json; return s.pending.critical.items >= 1 ? s : undefined; }, { what: 'outbox item' });
  assert.ok(status.pending.critical.items >= 1);
  const dl = await waitFor(async () => (await g.call('GET', '/v1/dead-letters')).json.deadLetters.find((d: any) => d.reason === 'ERR_ENGINE_SINK'), { what: 'failed webhook dead-lettered' });
  assert.match(dl.message, /webhook POST .*\/fail failed: HTTP 500/);
  const stats = (await g.call('GET', '/v1/pipelines')).json.sinks;
  assert.equal(stats.alerts, 1);
  const mqttStats = await waitFor(async () => { const x = (await g.call('GET', '/v1/pipelines')).json.sinks; return x.mqttPublished === 1 ? x : undefined; }, { what: 'PUBACK counted' });
  assert.deepEqual([mqttStats.mqttMessages, mqttStats.mqttDropped], [1, 0]);
  const listed = (await g.call('GET', '/v1/pipelines/alerts?limit=5')).json.alerts;
  assert.deepEqual(listed.map((a: any) => [a.pipelineId, a.nodeId, a.rule, a.message, a.item.value]), [['fanout', 'hot', 'overheat', 'oven-1 at 95', 95]]);
  await g.gw.stop();

  const store = GatewayStore.open({ path: join(dir, 'gateway.db') });
  t.after(() => store.close());
  const alerts = store.db.prepare('SELECT rule, severity, message FROM pipeline_alerts').all();
  assert.deepEqual(alerts, [{ rule: 'overheat', severity: 'critical', message: 'oven-1 at 95' }]);
});

test('webhook sink: posts to a stalled endpoint are bounded; past the cap items are dead-lettered, not queued', async (t) => {
  const held: Array<import('node:http').ServerResponse> = [];
  const stalled = createServer((_req, res) => { held.push(res); });
  await new Promise<void>((r) => stalled.listen(0, '127.0.0.1', r));
  t.after(() => { stalled.closeAllConnections(); stalled.close(); });
  const g = await startTestGateway(t, testDir(t), { pipelines: { webhookTimeoutMs: 60_000 } }, { t: T0 + MIN });
  const pipeline = {
    schemaVersion: 1, id: 'slow',
    nodes: [node('in', 'input'), node('hook', 'webhook', { url: `http://127.0.0.1:${(stalled.address() as AddressInfo).port}/` })],
    edges: [{ from: 'in', to: 'hook' }],
  };
  assert.equal((await g.call('POST', '/v1/pipelines', { pipeline, activate: true })).status, 201);
  for (let i = 0; i < MAX_WEBHOOKS_IN_FLIGHT + 3; i++) await g.post([{ device: 'd', metric: 'm', ts: T0 + i, value: i }]);
  const dl = await waitFor(async () => { const d = (await g.call('GET', '/v1/dead-letters?limit=100')).json.deadLetters.filter((x: any) => /already in flight/.test(x.message)); return d.length >= 3 ? d : undefined; }, { what: 'overflow dead letters' });
  assert.equal(dl.length, 3);
  await waitFor(() => held.length === MAX_WEBHOOKS_IN_FLIGHT, { what: 'posts held by the endpoint' });
  for (const res of held) res.end();
});
