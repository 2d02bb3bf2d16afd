import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { fdatasync } from 'node:fs';
import { createServer, Socket } from 'node:net';
import { connectAsync, type IClientOptions, type MqttClient } from 'mqtt';
import { generate, parser as mqttParser } from 'mqtt-packet';
import { isOutpostError } from '@outpost/contract';
import { waitFor } from '@outpost/testing';
import { createMqttBrokerSource, type MqttBrokerOptions } from './broker.js';
import { fillStore, openTestGateway, type TestStoreOptions } from './test-gateway.js';

async function startBroker(t: TestContext, opts: Partial<MqttBrokerOptions> = {}, storeOptions?: TestStoreOptions) {
  const gw = openTestGateway(t, storeOptions);
  const broker = createMqttBrokerSource({ ingestor: gw.ingestor, port: 0, ...opts });
  await broker.start();
  t.after(() => broker.stop());
  return { ...gw, broker, url: `mqtt://127.0.0.1:${broker.address().port}` };
}

async function client(t: TestContext, url: string, opts: IClientOptions = {}): Promise<MqttClient> {
  const c = await connectAsync(url, { reconnectPeriod: 0, ...opts });
  t.after(() => c.endAsync(true));
  return c;
}

test('QoS 1: when PUBACK arrives the points are already in SQLite (every payload shape)', async (t) => {
  const { broker, url, store } = await startBroker(t);
  const c = await client(t, url);
  const ts = Date.now() - 1000;
  await c.publishAsync('outpost/v1/inv-1/telemetry', JSON.stringify({ metric: 'temperature', ts, value: 41.5, unit: 'degC' }), { qos: 1 });
  assert.deepEqual(store.queryPoints({ device: 'inv-1', metric: 'temperature' }).map((p) => p.value), [41.5]);

  await c.publishAsync('site/plant-a/scada/pump-2/telemetry', JSON.stringify({ ts, flow: 12.5, running: true }), { qos: 1 });
  const pump = store.queryPoints({ device: 'pump-2' });
  assert.deepEqual(pump.map((p) => [p.metric, p.value]).sort(), [['flow', 12.5], ['running', true]]);
  assert.equal(pump[0]!.tags?.site, 'plant-a');

  const batch = Array.from({ length: 100 }, (_, i) => ({ metric: 'power', ts: ts + i, value: i }));
  await c.publishAsync('outpost/v1/inv-2/telemetry', JSON.stringify(batch), { qos: 1 });
  assert.equal(store.queryPoints({ device: 'inv-2', metric: 'power', limit: 1000 }).length, 100);
  await c.publishAsync('outpost/v1/inv-3/telemetry', JSON.stringify({ metric: 'q0', ts, value: 1 }), { qos: 0 });
  // QoS 0 has no PUBACK to wait for: the row is visible at commit, the count follows the WAL sync.
  await waitFor(() => store.queryPoints({ device: 'inv-3' }).length === 1 && broker.stats().pointsAccepted === 104, { what: 'the QoS 0 point committed and counted' });
  assert.equal(broker.stats().pointsAccepted, 104);
  assert.equal(broker.status().state, 'running');
});

test('bad input: each message is rejected with its reason, dead-lettered, acknowledged, and the broker keeps serving', async (t) => {
  const { broker, url, store } = await startBroker(t);
  const c = await client(t, url);
  const topic = 'outpost/v1/bad-1/telemetry';
  const huge = Buffer.alloc(10 * 1024 * 1024, 0x20);
  const many = JSON.stringify(Array.from({ length: 100_000 }, (_, i) => ({ metric: 'm', value: i })));
  await c.publishAsync(topic, '{"metric":"a","value": }', { qos: 1 });
  await c.publishAsync(topic, '{"metric":"a","value":NaN}', { qos: 1 });
  await c.publishAsync(topic, '{"metric":"a","value":Infinity}', { qos: 1 });
  await c.publishAsync(topic, '', { qos: 1 });
  await c.publishAsync(topic, '[1,2,3]', { qos: 1 });
  await c.publishAsync(topic, huge, { qos: 1 });
  await c.publishAsync(topic, many, { qos: 1 });
  await c.publishAsync('factory/unknown/topic', '{"metric":"a","value":1}', { qos: 1 });
  assert.deepEqual(broker.stats().inputsRejected, { malformed_json: 3, bad_shape: 2, too_large: 2, unknown_topic: 1 });
  const letters = store.deadLetters({ limit: 100 });
  assert.deepEqual(letters.map((d) => d.reason).sort(), ['bad_shape', 'bad_shape', 'malformed_json', 'malformed_json', 'malformed_json', 'too_large', 'too_large', 'unknown_topic']);
  assert.ok(letters.some((d) => /position 22/.test(d.message)), 'malformed JSON names the position');
  const tooBig = letters.find((d) => d.reason === 'too_large' && d.rawBytes === huge.length);
  assert.ok(tooBig && (tooBig.raw?.length ?? 0) < 100_000, 'a 10 MB payload is kept as a bounded prefix with its real size');
  assert.equal(store.queryPoints({ device: 'bad-1' }).length, 0);

  // Per-point problems are the ingestor's: each bad metric is rejected by name, the good ones kept.
  const ts = Date.now() - 1000;
  await c.publishAsync(topic, JSON.stringify({ ts, good: 1.5, mode: 'auto', nan: 'NaN', inf: '-Infinity', numstr: '12.5', obj: { a: 1 }, list: [1] }), { qos: 1 });
  const stats = broker.stats();
  assert.equal(stats.pointsAccepted, 2);
  assert.equal(stats.pointsRejected, 5);
  assert.deepEqual(store.queryPoints({ device: 'bad-1' }).map((p) => [p.metric, p.value]).sort(), [['good', 1.5], ['mode', 'auto']]);
  const perPoint = store.deadLetters({ limit: 100 }).find((d) => d.reason === 'not_finite');
  assert.ok(perPoint, 'the per-point rejects are dead-lettered');
  assert.match(perPoint.message, /5 of 7 point\(s\) rejected/);
  assert.match(perPoint.message, /value "12.5" is a number written as a string/);
  assert.equal(broker.status().state, 'running');
});

test('store full: no PUBACK, the publisher is dropped and redelivers; nothing is lost once space returns', async (t) => {
  const states: string[] = [];
  const { broker, url, store } = await startBroker(t, { onStatus: (s) => states.push(s.state) }, { hardCapMb: 1 });
  fillStore(store);
  const c = await client(t, url, { reconnectPeriod: 50 });
  let acked = false;
  const ts = Date.now() - 1000;
  const published = c.publishAsync('outpost/v1/full-1/telemetry', JSON.stringify({ metric: 'kept', ts, value: 7 }), { qos: 1 }).then(() => { acked = true; });
  // Refused, dropped, redelivered on reconnect, refused again: the client really retransmits.
  await waitFor(() => broker.stats().refused >= 2, { what: 'the refused message to be redelivered', timeoutMs: 10_000 });
  assert.equal(acked, false, 'no PUBACK while the store is full');
  assert.equal(broker.status().state, 'degraded');
  assert.match(broker.status().error ?? '', /store is full/);

  store.db.pragma('max_page_count = 1000000'); // space is available again
  await published;
  assert.deepEqual(store.queryPoints({ device: 'full-1' }).map((p) => p.value), [7]);
  assert.equal(broker.status().state, 'running');
  await broker.stop();
  assert.deepEqual(states, ['connecting', 'running', 'degraded', 'running', 'stopped']);
});

test('QoS 0 is not held for its commit: while a disk sync is stalled, the connection is still read', async (t) => {
  const held: (() => void)[] = [];
  let hold = true;
  const { broker, store } = await startBroker(t, {}, { synchronous: 'full', fdatasync: (fd, cb) => { if (hold) held.push(() => fdatasync(fd, cb)); else fdatasync(fd, cb); } });
  const release = () => { hold = false; for (const h of held.splice(0)) h(); };
  const raw = new Socket();
  t.after(() => raw.destroy());
  await new Promise<void>((r) => raw.connect(broker.address().port, '127.0.0.1', r));
  const connack = new Promise<Buffer>((r) => raw.once('data', r));
  raw.write(generate({ cmd: 'connect', protocolId: 'MQTT', protocolVersion: 4, clientId: 'q0-publisher', clean: true, keepalive: 30 }));
  assert.equal((await connack)[0], 0x20, 'CONNACK');
  const ts = Date.now() - 1000;
  const pub = (device: string, value: number) => generate({ cmd: 'publish', topic: `outpost/v1/${device}/telemetry`, payload: Buffer.from(JSON.stringify({ metric: 'm', ts, value })), qos: 0, dup: false, retain: false });
  // Two messages in one socket read: aedes reads the connection again only once both handlers
  // have called back, so holding QoS 0 until the commit's disk sync would stall the third.
  raw.write(Buffer.concat([pub('q0-a', 1), pub('q0-b', 2)]));
  await waitFor(() => held.length === 1, { what: 'the first commit waiting for its disk sync' });
  raw.write(pub('q0-c', 3));
  try {
    await waitFor(() => broker.stats().messages === 3, { what: 'the third message read during the stalled sync' });
  } finally {
    release(); // else the store's shutdown waits for the held sync
  }
  await waitFor(() => store.queryPoints({ device: 'q0-c' }).length === 1 && broker.stats().pointsAccepted === 3, { what: 'all committed' });
  assert.deepEqual(['q0-a', 'q0-b'].map((d) => store.queryPoints({ device: d }).length), [1, 1]);
});

test('publish(): in-process delivery to subscribers, neither ingested nor dead-lettered', async (t) => {
  const { broker, url, store } = await startBroker(t);
  const sub = await client(t, url);
  const got: string[] = [];
  sub.on('message', (topic, m) => got.push(`${topic} ${m.toString()}`));
  await sub.subscribeAsync(['relay/#', 'outpost/#'], { qos: 1 });
  await broker.publish('relay/pump-1', '{"on":true}', { qos: 1 });
  // Even on a telemetry topic: what the gateway publishes itself is not ingested back.
  await broker.publish('outpost/v1/loop/telemetry', '{"metric":"a","value":1}', { qos: 0 });
  await waitFor(() => got.length === 2, { what: 'both messages at the subscriber' });
  assert.deepEqual(got.sort(), ['outpost/v1/loop/telemetry {"metric":"a","value":1}', 'relay/pump-1 {"on":true}']);
  assert.equal(broker.stats().messages, 0);
  assert.equal(store.deadLetters().length, 0);
  assert.equal(store.queryPoints({ device: 'loop' }).length, 0);
});

test('a client that disconnects mid-publish changes nothing; the broker keeps serving others', async (t) => {
  const { broker, url, store } = await startBroker(t);
  const port = broker.address().port;
  const raw = new Socket();
  await new Promise<void>((r) => raw.connect(port, '127.0.0.1', r));
  const connack = new Promise<Buffer>((r) => raw.once('data', r));
  raw.write(generate({ cmd: 'connect', protocolId: 'MQTT', protocolVersion: 4, clientId: 'half-publisher', clean: true, keepalive: 30 }));
  assert.equal((await connack)[0], 0x20, 'CONNACK');
  const publish = generate({ cmd: 'publish', topic: 'outpost/v1/half/telemetry', payload: Buffer.from('{"metric":"a","value":1}'), qos: 1, messageId: 7, dup: false, retain: false });
  raw.write(publish.subarray(0, Math.floor(publish.length / 2)));
  await waitFor(() => broker.stats().clients === 1, { what: 'raw client registered' });
  raw.destroy();
  await waitFor(() => broker.stats().clients === 0, { what: 'broker to drop the half-published client' });

  const c = await client(t, url);
  await c.publishAsync('outpost/v1/whole/telemetry', '{"metric":"a","value":2}', { qos: 1 });
  assert.equal(store.queryPoints({ device: 'half' }).length, 0);
  assert.equal(store.queryPoints({ device: 'whole' }).length, 1);
  assert.equal(broker.stats().messages, 1);
});

test('a publisher that vanishes mid-stream: every message that got a PUBACK is in SQLite', async (t) => {
  const { broker, store } = await startBroker(t);
  const raw = new Socket();
  await new Promise<void>((r) => raw.connect(broker.address().port, '127.0.0.1', r));
  raw.on('error', () => {}); // the reset after destroy() is expected
  const acked = new Set<number>();
  let connacked = false;
  const p = mqttParser();
  p.on('packet', (packet) => {
    if (packet.cmd === 'connack') connacked = true;
    if (packet.cmd === 'puback' && packet.messageId !== undefined) acked.add(packet.messageId);
  });
  raw.on('data', (d) => p.parse(d));
  raw.write(generate({ cmd: 'connect', protocolId: 'MQTT', protocolVersion: 4, clientId: 'vanishing', clean: true, keepalive: 30 }));
  await waitFor(() => connacked, { what: 'CONNACK' }); // aedes queues at most 42 packets before CONNACK
  const ts = Date.now() - 10_000;
  const packets = Array.from({ length: 2000 }, (_, i) => generate({
    cmd: 'publish', topic: 'outpost/v1/vanish/telemetry', payload: Buffer.from(`{"metric":"m","ts":${ts + i},"value":${i + 1}}`), qos: 1, messageId: i + 1, dup: false, retain: false,
  }));
  const stream = Buffer.concat(packets);
  raw.write(stream.subarray(0, stream.length - 10)); // the last PUBLISH is cut short
  await waitFor(() => acked.size > 0, { what: 'the first PUBACKs' });
  raw.destroy();
  await waitFor(() => broker.stats().clients === 0, { what: 'the broker to drop the client' });
  await waitFor(() => broker.stats().pointsAccepted >= acked.size, { what: 'commits in flight to settle' });
  const stored = new Set(store.queryPoints({ device: 'vanish', limit: 5000 }).map((pt) => pt.value as number));
  for (const id of acked) assert.ok(stored.has(id), `message ${id} was acknowledged but is not stored`);
  assert.ok(!stored.has(2000), 'the cut-short message is not stored');
  assert.equal(broker.status().state, 'running');
});

test('a packet over maxPacketBytes drops its connection before it is buffered whole', async (t) => {
  const { broker, url, store } = await startBroker(t, { maxPacketBytes: 1024 * 1024 });
  const c = await client(t, url);
  const closed = new Promise<void>((r) => c.once('close', () => r()));
  c.publish('outpost/v1/big/telemetry', Buffer.alloc(5 * 1024 * 1024, 0x20), { qos: 1 });
  await closed;
  assert.equal(broker.stats().oversizedPackets, 1);
  assert.equal(broker.stats().messages, 0);
  const d = await client(t, url);
  await d.publishAsync('outpost/v1/small/telemetry', '{"metric":"a","value":1}', { qos: 1 });
  assert.equal(store.queryPoints({ device: 'small' }).length, 1);
});

test('username/password: wrong credentials are refused, right ones publish', async (t) => {
  const { url, store } = await startBroker(t, { auth: { username: 'dev', password: 's3cret' } });
  await assert.rejects(connectAsync(url, { username: 'dev', password: 'wrong', reconnectPeriod: 0 }), /Bad username or password/);
  await assert.rejects(connectAsync(url, { reconnectPeriod: 0 }), /Bad username or password/);
  const c = await client(t, url, { username: 'dev', password: 's3cret' });
  await c.publishAsync('outpost/v1/auth-1/telemetry', '{"metric":"a","value":1}', { qos: 1 });
  assert.equal(store.queryPoints({ device: 'auth-1' }).length, 1);
});

test('a taken port fails with ERR_PORT_IN_USE naming the port', async (t) => {
  const blocker = createServer();
  await new Promise<void>((r) => blocker.listen(0, '127.0.0.1', r));
  t.after(() => new Promise<void>((r) => blocker.close(() => r())));
  const port = (blocker.address() as { port: number }).port;
  const { ingestor } = openTestGateway(t);
  const broker = createMqttBrokerSource({ ingestor, port });
  await assert.rejects(broker.start(), (e: unknown) => isOutpostError(e, 'ERR_PORT_IN_USE') && e.message.includes(`port ${port} on 127.0.0.1`));
  assert.equal(broker.status().state, 'failed');
});

