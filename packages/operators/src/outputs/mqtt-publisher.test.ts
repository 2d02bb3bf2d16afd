import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { MqttPublisher, type MqttCounters } from './mqtt-publisher.js';

/** A port that was just free: connecting to it is refused, like a broker that is down. */
async function closedPort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const { port } = s.address() as AddressInfo;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

test('a broker that is down from the start never stalls the sender: the queue keeps the newest maxQueued messages and counts the rest as dropped; close drops what is left', async () => {
  const warnings: string[] = [];
  const logger = { debug() {}, info() {}, warn: (_o: object, msg?: string) => { warnings.push(msg ?? ''); }, error() {} };
  const url = `mqtt://127.0.0.1:${await closedPort()}`;
  const pub = new MqttPublisher({ url, clientId: 'outpost-test', maxQueued: 5, maxInFlight: 1000, reconnectMs: 50 }, logger);
  const counters: MqttCounters = { mqttPublished: 0, mqttDropped: 0 };
  const msg = (i: number) => ({ topic: `t/${i}`, payload: String(i), qos: 1 as const, retain: false });
  await pub.send(Array.from({ length: 8 }, (_, i) => msg(i)), counters);
  assert.deepEqual(counters, { mqttPublished: 0, mqttDropped: 3 });
  assert.deepEqual(pub.status(), { connected: false, queued: 5, inFlight: 0 });
  await pub.send([msg(8)], counters);
  assert.equal(counters.mqttDropped, 4, 'the next message pushes out the oldest');
  await new Promise((r) => setTimeout(r, 200)); // several reconnect attempts
  assert.equal(warnings.filter((w) => w.includes('unreachable')).length, 1, 'one warning per outage, not per attempt');
  await pub.close();
  assert.deepEqual(counters, { mqttPublished: 0, mqttDropped: 9 });
  assert.equal(await pub.send([msg(9)], counters), undefined);
  assert.equal(counters.mqttDropped, 10, 'after close every message is dropped and counted');
});
