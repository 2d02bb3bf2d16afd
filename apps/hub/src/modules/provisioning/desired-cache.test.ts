import { test } from 'node:test';
import assert from 'node:assert/strict';
import { tempDir } from '@outpost/testing';
import { isOutpostError } from '@outpost/contract';
import { HubStore, openHubDb, type Actor } from '@outpost/storage/hub/index';
import { DesiredConfigCache } from './desired-cache.js';

const T0 = 1_700_000_000_000;
const a: Actor = { orgId: 'org-a', id: 'user:ua' };

async function fleet(t: import('node:test').TestContext, n: number) {
  const tmp = tempDir('outpost-desired-cache-');
  const path = `${tmp.dir}/hub.db`;
  const store = await HubStore.open({ kind: 'sqlite', path });
  t.after(async () => { await store.close(); tmp.cleanup(); });
  await store.tenancy.createOrg(null, 'org-a', 'Acme', T0);
  await store.fleet.createDeviceType(a, { id: 'ty', name: 'meter', metrics: [{ name: 'temp', unit: 'C' }] }, T0);
  await store.configs.create(a, 'device_type', 'ty', { log: { level: 'info' } }, null, T0);
  await store.assignments.assign(a, { id: 'as1', targetKind: 'device_type', targetId: 'ty', artifactKind: 'pipeline', name: 'clean', version: '3' }, T0);
  const ids: string[] = [];
  for (let i = 0; i < n; i++) {
    const tok = await store.fleet.createRegistrationToken(a, { id: `tok${i}`, prefix: `p${i}`, secretHash: 'h', deviceTypeId: 'ty', expiresAt: T0 + 60_000 }, T0);
    ids.push((await store.fleet.registerDevice(tok, { id: `dev${i}`, hardwareId: `hw${i}`, name: `d${i}`, credentialPrefix: `c${i}`, credentialHash: 'ch' }, T0)).id);
  }
  // Count bulk loads on the real store (the point of the cache is how few there are).
  const calls: number[] = [];
  const bulk = store.desired.forDevices.bind(store.desired);
  store.desired.forDevices = (org, list) => { calls.push(list.length); return bulk(org, list); };
  return { store, ids, calls, path };
}

test('a burst of first beats from many devices is loaded in a few batches, each device as the per-device loaders say', async (t) => {
  const { store, ids, calls } = await fleet(t, 200);
  const cache = new DesiredConfigCache(store, () => T0);
  const got = await Promise.all(ids.map((id) => cache.get('org-a', id)));
  assert.ok(calls.length <= 2, `200 devices took ${calls.length} bulk loads (${calls.join(', ')})`);
  assert.equal(calls.reduce((x, y) => x + y, 0), 200, 'each device loaded once');
  for (const [i, id] of ids.entries()) {
    assert.deepEqual(got[i]?.config, await store.configs.effective('org-a', id));
    assert.deepEqual(got[i]?.assignments, (await store.assignments.forDevice('org-a', id)).map(({ id: x, artifactKind, name, version }) => ({ id: x, artifactKind, name, version })));
    assert.deepEqual(got[i]?.expectedMetrics, [{ name: 'temp', unit: 'C' }]);
  }
  await Promise.all(ids.map((id) => cache.get('org-a', id)));
  assert.equal(calls.length <= 2, true, 'repeat beats are served from the cache');
});

test('a change made in this process shows on the next beat; an unknown device fails alone', async (t) => {
  const { store, ids } = await fleet(t, 3);
  const cache = new DesiredConfigCache(store, () => T0);
  assert.equal((await cache.get('org-a', ids[0]!)).config?.version, 't1');
  await store.configs.create(a, 'device', ids[0]!, { log: { level: 'debug' } }, null, T0 + 1);
  assert.deepEqual((await cache.get('org-a', ids[0]!)).config, { version: 't1-d1', body: { log: { level: 'debug' } } });
  await store.assignments.unassign(a, 'as1', T0 + 2);
  assert.deepEqual((await cache.get('org-a', ids[1]!)).assignments, []);
  const [ok, missing] = await Promise.allSettled([cache.get('org-a', ids[2]!), cache.get('org-a', 'nope')]);
  assert.equal(ok.status, 'fulfilled');
  assert.ok(missing.status === 'rejected' && isOutpostError(missing.reason, 'ERR_HUB_NOT_FOUND'), String(missing.status === 'rejected' && missing.reason));
});

test('a change by another hub process is picked up after the TTL, in the background', async (t) => {
  const { store, ids, path } = await fleet(t, 2);
  let now = T0;
  const cache = new DesiredConfigCache(store, () => now);
  assert.equal((await cache.get('org-a', ids[0]!)).config?.version, 't1');
  // The other process: its own connection to the same file, and its own (here: untouched) generation counter.
  const other = await openHubDb({ kind: 'sqlite', path });
  try {
    await other.db.insertInto('configs').values({ org_id: 'org-a', target_kind: 'device', target_id: ids[0]!, version: 1, body: '{"x":1}', created_by: 'user:ub', created_at: T0, note: null }).execute();
    await other.db.updateTable('devices').set({ config_version: 1 }).where('id', '=', ids[0]!).execute();
  } finally { await other.close(); }
  assert.equal((await cache.get('org-a', ids[0]!)).config?.version, 't1', 'within the TTL the cached state stands');
  now += 5_001;
  assert.equal((await cache.get('org-a', ids[0]!)).config?.version, 't1', 'the beat that starts the refresh does not wait for it');
  for (let i = 0; i < 50 && (await cache.get('org-a', ids[0]!)).config?.version === 't1'; i++) await new Promise((r) => setTimeout(r, 10));
  assert.deepEqual((await cache.get('org-a', ids[0]!)).config, { version: 't1-d1', body: { log: { level: 'info' }, x: 1 } });
});

test('warm-up at hub start loads the active fleet in bulk, so first beats find it cached', async (t) => {
  const { store, ids, calls } = await fleet(t, 30);
  await store.fleet.decommissionDevice(a, ids[29]!, T0 + 1);
  const cache = new DesiredConfigCache(store, () => T0);
  assert.equal(await cache.warm(() => false, 10), 29, 'every active device, none decommissioned');
  assert.deepEqual(calls, [10, 10, 9], 'one bulk load per slice');
  assert.equal((await cache.get('org-a', ids[0]!)).config?.version, 't1');
  assert.equal(calls.length, 3, 'first beats after the warm-up need no load');
  assert.equal(await new DesiredConfigCache(store, () => T0).warm(() => true), 0, 'a hub that is closing stops warming');
});
