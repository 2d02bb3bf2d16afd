import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { connectAsync, type MqttClient } from 'mqtt';
import { requireService, waitFor } from '@outpost/testing';
import { createIngestor } from '@outpost/ingest';
import { createMqttClientSource, type MqttClientOptions } from './client.js';
import { fillStore, openTestGateway, uniquePrefix, type TestStoreOptions } from './test-gateway.js';

const MOSQUITTO = 'mqtt://127.0.0.1:1883';

async function startClientSource(t: TestContext, prefix: string, opts: Partial<MqttClientOptions> = {}, storeOptions?: TestStoreOptions) {
  const gw = openTestGateway(t, storeOptions);
  const clientId = `outpost-test-${Math.random().toString(36).slice(2, 10)}`;
  const source = createMqttClientSource({
    ingestor: gw.ingestor,
    url: MOSQUITTO,
    clientId,
    topics: [`${prefix}/outpost/v1/{device}/telemetry`, { topic: `${prefix}/site/{site}/scada/{asset}/telemetry`, device: 'asset' }],
    reconnectPeriodMs: 50,
    ...opts,
  });
  await source.start();
  t.after(() => source.stop());
  // The source uses a persistent session; end it after the source stops (after-hooks run in
  // registration order) so test runs leave no sessions behind on Mosquitto.
  t.after(async () => {
    const wipe = await connectAsync(MOSQUITTO, { clientId, clean: true, reconnectPeriod: 0 });
    await wipe.endAsync();
  });
  await waitFor(() => source.status().state === 'running', { what: 'client source subscribed' });
  return { ...gw, source };
}

async function publisher(t: TestContext): Promise<MqttClient> {
  const c = await connectAsync(MOSQUITTO, { reconnectPeriod: 0 });
  t.after(() => c.endAsync(true));
  return c;
}

test('client mode: telemetry published to Mosquitto lands in SQLite with device and tags from the topic', async (t) => {
  if (!(await requireService(t, 'Mosquitto', 1883))) return;
  const prefix = uniquePrefix('client');
  const { source, store } = await startClientSource(t, prefix);
  const pub = await publisher(t);
  const ts = Date.now() - 1000;
  await pub.publishAsync(`${prefix}/site/plant-b/scada/inv-9/telemetry`, JSON.stringify({ ts, active_power: 4.2, temperature: 71.3 }), { qos: 1 });
  await pub.publishAsync(`${prefix}/outpost/v1/meter-1/telemetry`, JSON.stringify([{ metric: 'energy', ts, value: 10 }, { metric: 'energy', ts: ts + 1, value: 11 }]), { qos: 1 });
  await pub.publishAsync(`${prefix}/outpost/v1/meter-1/telemetry`, '{"metric":', { qos: 1 });
  await waitFor(() => store.deadLetters({}).length === 1, { what: 'the malformed message dead-lettered' });
  await waitFor(() => store.queryPoints({ device: 'meter-1' }).length === 2, { what: 'batch committed' });
  const inv = store.queryPoints({ device: 'inv-9' });
  assert.deepEqual(inv.map((p) => [p.metric, p.value]).sort(), [['active_power', 4.2], ['temperature', 71.3]]);
  assert.equal(inv[0]!.tags?.site, 'plant-b');
  await waitFor(() => source.stats().inputsRejected.malformed_json === 1, { what: 'the rejection counted once acknowledged' });
  assert.deepEqual(source.stats().inputsRejected, { malformed_json: 1 });
  assert.equal(store.deadLetters({}).length, 1);
});

test('client mode: in-flight messages share group commits instead of one commit per message', async (t) => {
  if (!(await requireService(t, 'Mosquitto', 1883))) return;
  const prefix = uniquePrefix('client-many');
  const { source, store, ingestor } = await startClientSource(t, prefix);
  const pub = await publisher(t);
  const ts = Date.now() - 60_000;
  // Below Mosquitto's default max_queued_messages (1000), past which the broker itself drops QoS 1 messages.
  const n = 500;
  await Promise.all(Array.from({ length: n }, (_, i) => pub.publishAsync(`${prefix}/outpost/v1/bulk/telemetry`, JSON.stringify({ metric: 'm', ts: ts + i, value: i }), { qos: 1 })));
  await waitFor(() => store.queryPoints({ device: 'bulk', limit: n }).length === n, { what: `${n} points`, timeoutMs: 20_000 });
  // Rows are visible at commit; the acknowledgement (and the count) follows the WAL sync.
  await waitFor(() => source.stats().pointsAccepted === n, { what: `${n} points acknowledged` });
  // Mosquitto keeps up to receiveMaximum (MQTT 5) messages in flight to us; waiting for each commit before reading the
  // next message would make this exactly n commits.
  const commits = ingestor.stats().commits;
  assert.ok(commits <= n / 2, `${commits} commits for ${n} messages`);
});

test('client mode: MQTT 5 Receive Maximum lets the broker send more un-acknowledged messages than the 20 Mosquitto allows a 3.1.1 client, so they share a group commit', async (t) => {
  if (!(await requireService(t, 'Mosquitto', 1883))) return;
  const n = 300;
  const inFlightBeforeCommit = async (protocolVersion: 4 | 5): Promise<number> => {
    const prefix = uniquePrefix(`client-v${protocolVersion}`);
    const gw = openTestGateway(t);
    // A long commit window: nothing is acknowledged for 1.5 s, so what arrives meanwhile is what
    // the broker lets us hold un-acknowledged.
    const ingestor = createIngestor({ store: gw.store, groupCommit: { maxDelayMs: 1500, maxPoints: 10_000 } });
    t.after(() => ingestor.close());
    const { source } = await startClientSource(t, prefix, { ingestor, protocolVersion, receiveMaximum: 1000 });
    const pub = await publisher(t);
    const ts = Date.now() - 60_000;
    await Promise.all(Array.from({ length: n }, (_, i) => pub.publishAsync(`${prefix}/outpost/v1/win/telemetry`, JSON.stringify({ metric: 'm', ts: ts + i, value: i }), { qos: 1 })));
    await new Promise((r) => setTimeout(r, 500));
    assert.equal(ingestor.stats().commits, 0, 'still inside the first commit window');
    const held = source.stats().messages;
    await waitFor(() => source.stats().pointsAccepted === n, { what: `${n} points acknowledged (v${protocolVersion})`, timeoutMs: 60_000 });
    assert.equal(gw.store.queryPoints({ device: 'win', limit: n }).length, n);
    return held;
  };
  assert.equal(await inFlightBeforeCommit(5), n, 'MQTT 5: every message arrives before the first commit');
  assert.equal(await inFlightBeforeCommit(4), 20, "MQTT 3.1.1: Mosquitto's max_inflight_messages (20)");
});

test('client mode: while the store is full nothing is acknowledged; Mosquitto redelivers and nothing is lost once space returns', async (t) => {
  if (!(await requireService(t, 'Mosquitto', 1883))) return;
  const prefix = uniquePrefix('client-full');
  const { source, store } = await startClientSource(t, prefix, {}, { hardCapMb: 1 });
  fillStore(store);
  const pub = await publisher(t);
  const ts = Date.now() - 1000;
  await pub.publishAsync(`${prefix}/outpost/v1/full-1/telemetry`, JSON.stringify({ metric: 'kept', ts, value: 1 }), { qos: 1 });
  // Refused once, connection dropped, redelivered after reconnect, refused again: proves redelivery.
  await waitFor(() => source.stats().refused >= 2, { what: 'the refused message to be redelivered', timeoutMs: 10_000 });
  assert.equal(source.status().state, 'degraded');
  assert.match(source.status().error ?? '', /store is full/);
  assert.equal(store.queryPoints({ device: 'full-1' }).length, 0);

  store.db.pragma('max_page_count = 1000000'); // space is available again
  await waitFor(() => store.queryPoints({ device: 'full-1' }).length === 1, { what: 'the message to be stored after space returns', timeoutMs: 10_000 });
  await waitFor(() => source.status().state === 'running', { what: 'source healthy again' });
});
