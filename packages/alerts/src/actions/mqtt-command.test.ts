import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { Aedes } from 'aedes';
import mqtt from 'mqtt';
import { tempDir, waitFor } from '@outpost/testing';
import { AlertEngine } from '../engine.js';
import { openDb, pt } from '../test/support.js';
import { connectMqttPublisher } from './mqtt-publisher.js';

async function broker() {
  const aedes = await Aedes.createBroker();
  const server = createServer(aedes.handle);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const url = `mqtt://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { url, close: async () => { await new Promise<void>((r) => aedes.close(() => r())); await new Promise<void>((r) => server.close(() => r())); } };
}

test('mqtt publish with a payload template reaches a subscriber', async () => {
  const b = await broker();
  const sub = await mqtt.connectAsync(b.url);
  const got: [string, string][] = [];
  sub.on('message', (t, m) => got.push([t, m.toString()]));
  await sub.subscribeAsync('site/relay/#', { qos: 1 });
  const pub = await connectMqttPublisher(b.url);
  const { db, close } = openDb();
  const engine = new AlertEngine({
    db, mqttPublish: pub.publish,
    rules: [{ id: 'hot', kind: 'threshold', metric: 'temp', op: '>', raise: 90, clear: 80, actions: [{ type: 'mqtt', topic: 'site/relay/{device}', payload: '{"on":{value},"rule":"{rule}","change":"{change}"}', on: ['raised', 'cleared'] }] }],
  });
  try {
    engine.process([pt('pump-1', 'temp', 93, 1)]);
    engine.process([pt('pump-1', 'temp', 70, 2)]);
    await waitFor(() => got.length === 2, { what: 'two publishes' });
    assert.deepEqual(got.map(([t, m]) => [t, JSON.parse(m).change]), [['site/relay/pump-1', 'raised'], ['site/relay/pump-1', 'cleared']]);
    assert.equal(JSON.parse(got[0]![1]).on, 93);
  } finally {
    engine.stop();
    close();
    await pub.close();
    await sub.endAsync();
    await b.close();
  }
});

test('local command: allow-listed program via execFile, templated args are not interpreted by a shell', async () => {
  const tmp = tempDir('outpost-alert-cmd-');
  const out = `${tmp.dir}/out.txt`;
  const { db, close } = openDb();
  const engine = new AlertEngine({
    db, allowedCommands: [process.execPath],
    rules: [{ id: 'hot', kind: 'threshold', metric: 'temp', op: '>', raise: 90, actions: [{ type: 'command', command: process.execPath, args: ['-e', 'require("fs").writeFileSync(process.argv[1], process.argv[2])', out, '{device}; touch /tmp/pwned $(id)'] }] }],
  });
  try {
    engine.process([pt('pump-1', 'temp', 93, 1)]);
    await waitFor(() => engine.idle() && db.prepare('SELECT outcome FROM alert_deliveries').pluck().get() === 'ok', { what: 'the command to run' });
    assert.equal(readFileSync(out, 'utf8'), 'pump-1; touch /tmp/pwned $(id)');
  } finally {
    engine.stop();
    close();
    tmp.cleanup();
  }
});

test('local command: a command that overruns its timeout is killed, retried and logged', async () => {
  const { db, close } = openDb();
  const engine = new AlertEngine({
    db, allowedCommands: [process.execPath], retry: { baseMs: 10, maxMs: 20, maxAttempts: 2 },
    rules: [{ id: 'hot', kind: 'threshold', metric: 'temp', op: '>', raise: 90, actions: [{ type: 'command', command: process.execPath, args: ['-e', 'setTimeout(() => {}, 60000)'], timeoutMs: 200 }] }],
  });
  try {
    engine.process([pt('pump-1', 'temp', 93, 1)]);
    await waitFor(() => db.prepare('SELECT COUNT(*) FROM alert_deliveries WHERE outcome = \'failed\'').pluck().get() === 1, { what: 'the failure' });
    assert.match(db.prepare('SELECT detail FROM alert_deliveries ORDER BY id').pluck().get() as string, /killed after 200 ms/);
  } finally {
    engine.stop();
    close();
  }
});
