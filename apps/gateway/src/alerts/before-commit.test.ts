import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fdatasync } from 'node:fs';
import { silentLogger } from '@outpost/contract';
import { loadConfig } from '@outpost/config';
import { GatewayIngestor } from '@outpost/ingest';
import { GatewayStore } from '@outpost/storage';
import { tempDir, waitFor } from '@outpost/testing';
import { startGatewayAlerts } from './wiring.js';

test('an alert\'s MQTT action leaves before its point\'s commit is on disk; the record follows', async (t) => {
  const tmp = tempDir('outpost-alerts-early-');
  t.after(tmp.cleanup);
  const held: (() => void)[] = [];
  let hold = true;
  const release = () => { hold = false; for (const h of held.splice(0)) h(); };
  const store = GatewayStore.open({ path: `${tmp.dir}/gateway.db`, synchronous: 'full', fdatasync: (fd, cb) => { if (hold) held.push(() => fdatasync(fd, cb)); else fdatasync(fd, cb); } });
  const ingestor = new GatewayIngestor({ store });
  const rule = { id: 'hot', kind: 'threshold', metric: 'temp', op: '>', raise: 90, clear: 80, actions: [{ type: 'mqtt', topic: 'relay/{device}', payload: '{id}' }] };
  const config = loadConfig({ overrides: { gateway: { id: 'gw', dataDir: tmp.dir, alerts: { rules: [rule] } } } }).gateway;
  const alerts = startGatewayAlerts({ config, store, ingestor, logger: silentLogger, now: Date.now })!;
  const sent: string[] = [];
  await alerts.connect(undefined, async (topic, payload) => { sent.push(`${topic} ${payload}`); });
  t.after(async () => { release(); await alerts.stop(); await ingestor.close(); await store.shutdown(); });
  const ts = Date.now();
  // The first commit's disk sync is held: every later commit waits behind it.
  const first = ingestor.ingest({ source: 'test', origin: 'test', candidates: [{ device: 'oven', metric: 'temp', ts, value: 20 }], receivedAt: ts });
  await waitFor(() => held.length === 1, { what: 'the first commit waiting for its disk sync' });
  let acknowledged = false;
  const hot = ingestor.ingest({ source: 'test', origin: 'test', candidates: [{ device: 'oven', metric: 'temp', ts: ts + 1, value: 97 }], receivedAt: ts }).then(() => { acknowledged = true; });
  await waitFor(() => sent.length === 1, { what: 'the action while the sync is held' });
  assert.equal(sent[0], 'relay/oven 1');
  assert.equal(acknowledged, false, 'the point is not yet durable');
  release();
  await Promise.all([first, hot]);
  // The record is written within the record delay, with the id the action used.
  await waitFor(() => (store.db.prepare('SELECT COUNT(*) FROM alerts').pluck().get() as number) === 1, { what: 'the alert record' });
  assert.deepEqual(alerts.engine.query({ state: 'open' }).map((a) => [a.id, a.rule, a.device]), [[1, 'hot', 'oven']]);
});
