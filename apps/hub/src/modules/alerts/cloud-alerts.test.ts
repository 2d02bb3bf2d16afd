import { test } from 'node:test';
import assert from 'node:assert/strict';
import { silentLogger } from '@outpost/contract';
import { tempDir, waitFor } from '@outpost/testing';
import { HubStore } from '@outpost/storage/hub/index';
import { CloudAlerts } from './cloud-alerts.js';

const T0 = 1_700_000_000_000;
const hot = { id: 'hot', kind: 'threshold', metric: 'temp', op: '>', raise: 90, clear: 80, location: 'both' };

test('cloud alerts open at a restart are re-seeded from the store: not raised twice, still cleared by their rule', async (t) => {
  const tmp = tempDir('outpost-cloud-alerts-');
  t.after(tmp.cleanup);
  const store = await HubStore.open({ kind: 'sqlite', path: `${tmp.dir}/hub.db` });
  t.after(() => store.close());
  await store.tenancy.createOrg(null, 'org-a', 'Acme', T0);
  await store.alerts.putRules({ orgId: 'org-a', id: 'user:u' }, [hot], T0);
  const open = () => store.alerts.list('org-a', { state: 'open' });

  const first = new CloudAlerts(store, () => T0, silentLogger);
  first.onPoints('org-a', [{ device: 'p1', metric: 'temp', ts: T0, value: 95 }]);
  await waitFor(async () => { await first.flushed(); return (await open()).length === 1; }, { what: 'the first alert' });
  await first.stop();

  const second = new CloudAlerts(store, () => T0 + 1000, silentLogger);
  t.after(() => second.stop());
  // The first point after the restart is already cool: the re-seeded alert is cleared by it.
  second.onPoints('org-a', [{ device: 'p1', metric: 'temp', ts: T0 + 2000, value: 70 }]);
  await waitFor(async () => { await second.flushed(); return (await open()).length === 0; }, { what: 'the clear after the restart' });
  const all = await store.alerts.list('org-a');
  assert.equal(all.length, 1, 'one alert across the restart');
  assert.deepEqual([all[0]!.state, all[0]!.raisedAt, all[0]!.clearedAt], ['cleared', T0, T0 + 1000]);
});

test('a rule set is checked like gateway rules: errors name rules[i]; edge-only rules are reported', () => {
  assert.throws(() => CloudAlerts.validate([{ id: 'g', kind: 'geofence', polygon: [[0, 0], [1, 1], [1, 0], [0, 1], [0, 0]] }]), (e: Error & { code?: string }) => e.code === 'ERR_CONFIG_INVALID' && /^rules\[0\]/.test(e.message));
  assert.deepEqual(CloudAlerts.validate([hot, { ...hot, id: 'e', location: 'edge' }]), { evaluated: 1, edgeOnly: ['e'] });
});

test('a rule set stored by another hub process is picked up within the recheck interval', async (t) => {
  const tmp = tempDir('outpost-cloud-alerts-');
  t.after(tmp.cleanup);
  const store = await HubStore.open({ kind: 'sqlite', path: `${tmp.dir}/hub.db` });
  t.after(() => store.close());
  await store.tenancy.createOrg(null, 'org-a', 'Acme', T0);
  const clock = { now: T0 };
  const cloud = new CloudAlerts(store, () => clock.now, silentLogger);
  t.after(() => cloud.stop());
  const hotPoint = (ts: number) => [{ device: 'p1', metric: 'temp', ts, value: 95 }];
  cloud.onPoints('org-a', hotPoint(T0));
  await cloud.flushed();
  // "Another process" stores the rule set; this one has no engine for the org yet.
  await store.alerts.putRules({ orgId: 'org-a', id: 'user:u' }, [hot], T0);
  cloud.onPoints('org-a', hotPoint(T0 + 1));
  await new Promise((r) => setImmediate(r));
  await cloud.flushed();
  assert.deepEqual(await store.alerts.list('org-a'), [], 'not before the recheck interval');
  clock.now = T0 + 11_000;
  cloud.onPoints('org-a', hotPoint(T0 + 11_000));
  await waitFor(async () => { await cloud.flushed(); return (await store.alerts.list('org-a', { state: 'open' })).length === 1; }, { what: 'the alert after the recheck' });
});

test('an alert storm is written completely and in order, in batches', async (t) => {
  const tmp = tempDir('outpost-cloud-alerts-');
  t.after(tmp.cleanup);
  const store = await HubStore.open({ kind: 'sqlite', path: `${tmp.dir}/hub.db` });
  t.after(() => store.close());
  await store.tenancy.createOrg(null, 'org-a', 'Acme', T0);
  await store.alerts.putRules({ orgId: 'org-a', id: 'user:u' }, [{ ...hot, actions: [] }], T0);
  const cloud = new CloudAlerts(store, () => T0, silentLogger);
  t.after(() => cloud.stop());
  // 1,000 devices raise and clear in one burst: 2,000 lifecycle changes.
  const burst = Array.from({ length: 1000 }, (_, i) => [{ device: `p${i}`, metric: 'temp', ts: T0, value: 95 }, { device: `p${i}`, metric: 'temp', ts: T0 + 1, value: 70 }]).flat();
  cloud.onPoints('org-a', burst);
  await waitFor(async () => { await cloud.flushed(); return (await store.alerts.list('org-a', { limit: 10_000 })).length === 1000; }, { what: '1,000 alerts stored' });
  await cloud.flushed();
  const all = await store.alerts.list('org-a', { limit: 10_000 });
  assert.ok(all.every((a) => a.state === 'cleared' && a.clearedAt === T0), 'each alert ends cleared: its raise was written before its clear');
});
