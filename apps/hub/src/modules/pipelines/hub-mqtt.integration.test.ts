import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, connect, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { connectAsync } from 'mqtt';
import type { Point } from '@outpost/contract';
import { canonicalJson } from '@outpost/engine';
import { defaultConfig } from '@outpost/config';
import { createEngineScriptRunner } from '@outpost/sandbox';
import { HubStore, type Actor } from '@outpost/storage/hub/index';
import { requireService, tempDir, waitFor } from '@outpost/testing';
import { hubModelRunner } from '../training/model-runner.js';
import { DEFAULT_LIVE_LIMITS, HubLivePipelines, hubOutputs } from './live-runner.js';

const T0 = Date.UTC(2026, 10, 1, 12, 0, 0);
const silent = { debug() {}, info() {}, warn() {}, error() {} };

/** A TCP relay to the machine's Mosquitto that the test can cut and restore: a real broker, a real outage. */
async function relay(t: TestContext) {
  const sockets = new Set<Socket>();
  const server = createServer((down) => {
    const up = connect(1883, '127.0.0.1');
    for (const s of [down, up]) { sockets.add(s); s.on('close', () => sockets.delete(s)); s.on('error', () => undefined); }
    down.pipe(up).pipe(down);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  const cut = () => new Promise<void>((r) => { server.close(() => r()); for (const s of sockets) s.destroy(); });
  const restore = () => new Promise<void>((r) => server.listen(port, '127.0.0.1', r));
  t.after(() => (server.listening ? cut() : undefined));
  return { url: `mqtt://127.0.0.1:${port}`, cut, restore };
}

test('hub mqtt nodes publish QoS 1 under the organisation\'s topic prefix; a batch larger than the queue waits for the broker instead of dropping; while the broker is away messages wait in a bounded queue (overflow counted), then flow again', async (t) => {
  if (!(await requireService(t, 'Mosquitto', 1883))) return;
  const tmp = tempDir('outpost-hub-mqtt-');
  t.after(tmp.cleanup);
  const store = await HubStore.open({ kind: 'sqlite', path: `${tmp.dir}/hub.db` });
  t.after(() => store.close());
  await store.tenancy.createOrg(null, 'org-a', 'Acme', T0);
  const actor: Actor = { orgId: 'org-a', id: 'user:u' };
  const broker = await relay(t);
  const cfg = defaultConfig().hub.pipelines;
  const outputs = hubOutputs({ ...cfg, mqtt: { ...cfg.mqtt, url: broker.url, maxQueued: 5, maxInFlight: 2, reconnectMs: 50 } }, silent);
  const live = new HubLivePipelines({
    store, now: () => T0 + 60_000, logger: silent, scriptRunner: () => createEngineScriptRunner(), modelRunner: (o) => hubModelRunner(store, o),
    limits: { ...DEFAULT_LIVE_LIMITS, tickIntervalMs: 3_600_000 },
    outputs,
  });
  await live.start();
  t.after(() => live.stop());

  const unique = `hubmqtt${process.pid}${Math.random().toString(36).slice(2, 8)}`;
  const sub = await connectAsync('mqtt://127.0.0.1:1883', { reconnectPeriod: 0 });
  t.after(() => sub.endAsync(true));
  const got: Array<{ topic: string; qos: number; body: Point }> = [];
  sub.on('message', (topic, payload, packet) => got.push({ topic, qos: packet.qos, body: JSON.parse(payload.toString()) as Point }));
  await sub.subscribeAsync(`outpost/+/${unique}/#`, { qos: 1 });

  const doc = {
    schemaVersion: 1, id: 'pub',
    nodes: [{ id: 'in', kind: 'input', typeVersion: 1, config: { metrics: ['flow'] } }, { id: 'out', kind: 'mqtt', typeVersion: 1, config: { topic: `${unique}/{device}/{metric}` } }],
    edges: [{ from: 'in', to: 'out' }],
  };
  const saved = await store.pipelines.save(actor, 'pub', canonicalJson(doc), null, T0);
  await live.activate(actor, 'pub', saved.version.version, 'activate');
  const pts = (from: number, n: number): Point[] => Array.from({ length: n }, (_, i) => ({ device: 'p/7', metric: 'flow', ts: T0 + from + i, value: from + i }));

  live.accept('org-a', pts(0, 3));
  await live.idle();
  await waitFor(() => got.length === 3, { what: 'three messages on the broker' });
  assert.deepEqual(got.map((m) => [m.topic, m.qos, m.body.value]), [0, 1, 2].map((v) => [`outpost/org-a/${unique}/p_7/flow`, 1, v]));
  await waitFor(() => live.stats('org-a').pub?.nodes.out?.mqttPublished === 3, { what: 'PUBACKs counted' });

  // 20 messages through a 5-message queue with 2 in flight: the pipeline waits on the broker, nothing is dropped.
  live.accept('org-a', pts(10, 20));
  await live.idle();
  await waitFor(() => got.length === 23, { what: 'the 20-message batch on the broker' });
  assert.deepEqual(got.slice(3).map((m) => m.body.value), Array.from({ length: 20 }, (_, i) => 10 + i));
  assert.equal(live.stats('org-a').pub!.nodes.out!.mqttDropped, 0);
  await waitFor(() => live.stats('org-a').pub?.nodes.out?.mqttPublished === 23, { what: 'PUBACKs counted' });

  await broker.cut();
  await waitFor(() => !outputs.mqtt!.publisher.status().connected, { what: 'the publisher sees the outage' });
  live.accept('org-a', pts(100, 8));
  await live.idle();
  const down = live.stats('org-a').pub!.nodes.out!;
  assert.deepEqual([down.mqttPublished, down.mqttDropped], [23, 3], 'past maxQueued (5) the oldest three are dropped and counted');
  assert.equal(got.length, 23, 'nothing reaches the broker during the outage');
  assert.deepEqual(outputs.mqtt!.publisher.status(), { connected: false, queued: 5, inFlight: 0 });

  await broker.restore();
  await waitFor(() => got.length === 28, { what: 'the queued five after reconnecting', timeoutMs: 15_000 });
  assert.deepEqual(got.slice(23).map((m) => m.body.value), [103, 104, 105, 106, 107]);
  await waitFor(() => live.stats('org-a').pub?.nodes.out?.mqttPublished === 28, { what: 'all acknowledged' });
});
