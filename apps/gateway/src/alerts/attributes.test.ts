import { test } from 'node:test';
import assert from 'node:assert/strict';
import Database from 'better-sqlite3';
import mqtt from 'mqtt';
import { loadConfig } from '@outpost/config';
import { requireService, tempDir, waitFor } from '@outpost/testing';
import { startGateway } from '../gateway.js';

const MOSQUITTO = 'mqtt://127.0.0.1:1883';

test('client mode through Mosquitto: a payload attribute (seq) reaches the MQTT action of an eachPoint rule, is not stored with the point, and a bad one is rejected', async (t) => {
  if (!(await requireService(t, 'Mosquitto', 1883))) return;
  const { dir, cleanup } = tempDir('outpost-gw-attrs-');
  const prefix = `outpost-test/attrs-${process.pid}-${Math.random().toString(36).slice(2, 8)}`;
  const clientId = `outpost-test-attrs-${Math.random().toString(36).slice(2, 10)}`;
  const cfg = loadConfig({
    overrides: {
      gateway: {
        id: 'gw-attrs', dataDir: dir, http: { port: 0 }, log: { level: 'silent' },
        mqtt: { mode: 'client', url: MOSQUITTO, clientId, topics: [`${prefix}/telemetry/{device}/+`] },
        ingest: { attributes: ['seq'] },
        alerts: {
          rules: [{
            id: 'hot', kind: 'threshold', metric: 'temperature', op: '>', raise: 80, eachPoint: true, dedupeSeconds: 0, actionsPerMinute: 1e6,
            actions: [{ type: 'mqtt', qos: 1, topic: `${prefix}/alerts/{device}`, payload: '{"device":"{device}","metric":"{point.metric}","ts":{point.ts},"value":{point.value},"threshold":80,"seq":{attr.seq}}' }],
          }],
        },
      },
    },
  });
  const gw = await startGateway(cfg.gateway);
  const sub = await mqtt.connectAsync(MOSQUITTO, { reconnectPeriod: 0 });
  t.after(async () => {
    await sub.endAsync();
    await gw.stop();
    const wipe = await mqtt.connectAsync(MOSQUITTO, { clientId, clean: true, reconnectPeriod: 0 }); // leave no persistent session behind
    await wipe.endAsync();
    cleanup();
  });
  const alerts: Record<string, unknown>[] = [];
  sub.on('message', (_topic, m) => alerts.push(JSON.parse(m.toString()) as Record<string, unknown>));
  await sub.subscribeAsync(`${prefix}/alerts/#`, { qos: 1 });
  await waitFor(() => gw.status().sources['mqtt-client']?.state === 'running', { what: 'client source subscribed' });

  const ts = Date.now() - 1000;
  const point = (i: number, value: number, seq: unknown) => JSON.stringify({ device: 'inv-007', metric: 'temperature', ts: ts + i, value, seq });
  await sub.publishAsync(`${prefix}/telemetry/inv-007/temperature`, point(0, 88, 10000019), { qos: 1 });
  await sub.publishAsync(`${prefix}/telemetry/inv-007/temperature`, point(1, 50, 10000020), { qos: 1 });
  await sub.publishAsync(`${prefix}/telemetry/inv-007/temperature`, point(2, 90, 10000039), { qos: 1 });
  await sub.publishAsync(`${prefix}/telemetry/inv-007/temperature`, point(3, 95, { nested: true }), { qos: 1 });
  await waitFor(() => alerts.length === 2 && gw.status().ingest.rejectedTotal === 1, { what: 'two alerts and one rejected point' });

  assert.deepEqual(alerts, [
    { device: 'inv-007', metric: 'temperature', ts, value: 88, threshold: 80, seq: 10000019 },
    { device: 'inv-007', metric: 'temperature', ts: ts + 2, value: 90, threshold: 80, seq: 10000039 },
  ]);
  const db = new Database(cfg.gateway.store.path!, { readonly: true });
  try {
    // Rules run before the group commit, and alert records follow their actions within 25 ms.
    const count = (table: string) => db.prepare(`SELECT COUNT(*) FROM ${table}`).pluck().get() as number;
    await waitFor(() => count('dead_letters') === 1 && count('alerts') === 2, { what: 'the commit and the alert records' });
    const rows = db.prepare('SELECT ts, value, tags FROM points ORDER BY ts').all() as { ts: number; value: number; tags: string | null }[];
    assert.deepEqual(rows, [{ ts, value: 88, tags: null }, { ts: ts + 1, value: 50, tags: null }, { ts: ts + 2, value: 90, tags: null }], 'seq is not stored, the + level adds no tag');
    const dead = db.prepare('SELECT reason, message FROM dead_letters').all() as { reason: string; message: string }[];
    assert.equal(dead.length, 1);
    assert.equal(dead[0]!.reason, 'wrong_type');
    assert.match(dead[0]!.message, /attribute "seq" \(gateway.ingest.attributes\) must be .* got an object/);
    const history = db.prepare('SELECT state, points FROM alerts ORDER BY id').all() as { state: string; points: string }[];
    assert.deepEqual(history.map((h) => [h.state, (JSON.parse(h.points) as { attrs?: unknown }[])[0]!.attrs]), [['cleared', { seq: 10000019 }], ['cleared', { seq: 10000039 }]], 'the alert keeps the attribute in its triggering point');
  } finally {
    db.close();
  }
});
