import type { TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { isOutpostError, type ErrorCode } from '@outpost/contract';
import { HubStore } from './store.js';
import type { HubDbOptions } from './open.js';
import type { Actor } from './audit.js';
import { rolloutConformance } from './conformance-rollouts.js';
import { desiredConformance } from './conformance-desired.js';

const T0 = 1_700_000_000_000;
const INJECTIONS = [`' OR '1'='1`, `x'; DROP TABLE devices; --`, `\\`, `" OR 1=1 --`, `') OR ('a'='a`];

const rejectsWith = (p: Promise<unknown>, code: ErrorCode) => assert.rejects(p, (e: unknown) => { assert.ok(isOutpostError(e, code), String(e)); return true; });

async function twoOrgs(store: HubStore) {
  await store.tenancy.createOrg(null, 'org-a', 'Acme', T0);
  await store.tenancy.createOrg(null, 'org-b', 'Globex', T0);
  const a: Actor = { orgId: 'org-a', id: 'user:ua' };
  const b: Actor = { orgId: 'org-b', id: 'user:ub' };
  return { a, b };
}

let seq = 0;
async function registered(store: HubStore, actor: Actor, hw: string, typeId: string | null = null, unique = true) {
  const n = seq++;
  const tok = await store.fleet.createRegistrationToken(actor, { id: `tok-${hw}-${n}`, prefix: `p-${hw}-${n}`, secretHash: 'h', deviceTypeId: typeId, expiresAt: T0 + 60_000 }, T0);
  const device = await store.fleet.registerDevice(tok, { id: unique ? `dev-${hw}` : `dev-${hw}-${n}`, hardwareId: hw, name: `Device ${hw}`, credentialPrefix: `c-${hw}-${n}`, credentialHash: 'ch' }, T0);
  return Object.assign(device, { tokenPrefix: tok.prefix, credentialPrefix: `c-${hw}-${n}` });
}

/**
 * One conformance suite for every HubStore adapter: `open` gives a fresh, empty, migrated store.
 * Run it as subtests of one test so an adapter that needs a service can skip as a whole.
 */
export async function hubStoreConformance(t: TestContext, open: () => Promise<HubStore>): Promise<void> {
  const withStore = (name: string, fn: (s: HubStore) => Promise<void>) => t.test(name, async () => {
    const s = await open();
    try { await fn(s); } finally { await s.close(); }
  });

  await withStore('orgs, users, sessions and API keys; duplicates are conflicts', async (s) => {
    const { a } = await twoOrgs(s);
    await rejectsWith(s.tenancy.createOrg(null, 'org-c', 'Acme', T0), 'ERR_HUB_CONFLICT');
    const u = await s.tenancy.createUser(null, { id: 'ua', orgId: 'org-a', email: 'a@x.io', passwordHash: 'ph', role: 'org_admin' }, T0);
    assert.equal(u.role, 'org_admin');
    assert.equal((u as unknown as Record<string, unknown>).passwordHash, undefined);
    await rejectsWith(s.tenancy.createUser(null, { id: 'ua2', orgId: 'org-b', email: 'a@x.io', passwordHash: 'p', role: 'member' }, T0), 'ERR_HUB_CONFLICT');
    assert.equal((await s.tenancy.findUserByEmail('a@x.io'))?.passwordHash, 'ph');
    assert.equal(await s.tenancy.countUsers(), 1);
    await s.tenancy.createSession('sh', 'ua', T0 + 1000, T0);
    assert.equal((await s.tenancy.findSessionUser('sh', T0 + 999))?.id, 'ua');
    assert.equal(await s.tenancy.findSessionUser('sh', T0 + 1000), undefined);
    const k = await s.tenancy.createApiKey(a, { id: 'k1', name: 'ci', prefix: 'kp1', secretHash: 'ks', scopes: ['read', 'ingest'], expiresAt: null }, T0);
    assert.deepEqual(k.scopes, ['read', 'ingest']);
    assert.equal((await s.tenancy.findApiKeyByPrefix('kp1'))?.secretHash, 'ks');
    await s.tenancy.touchApiKey('k1', T0 + 5);
    assert.equal((await s.tenancy.listApiKeys('org-a'))[0]?.lastUsedAt, T0 + 5);
    assert.deepEqual(await s.tenancy.listApiKeys('org-b'), []);
    await rejectsWith(s.tenancy.revokeApiKey({ orgId: 'org-b', id: 'user:ub' }, 'k1', T0), 'ERR_HUB_NOT_FOUND');
    assert.equal((await s.tenancy.revokeApiKey(a, 'k1', T0 + 9)).revokedAt, T0 + 9);
    assert.equal(await s.tenancy.ensureSetting('secret', 'one'), 'one');
    assert.equal(await s.tenancy.ensureSetting('secret', 'two'), 'one');
  });

  await withStore('registration: a token is used once, a hardware id registers once, and ids of another org are not found', async (s) => {
    const { a, b } = await twoOrgs(s);
    const type = await s.fleet.createDeviceType(a, { id: 'ty1', name: 'inverter', metrics: [{ name: 'power', unit: 'kW', min: 0, max: 10 }] }, T0);
    await rejectsWith(s.fleet.createRegistrationToken(b, { id: 'x', prefix: 'px', secretHash: 'h', deviceTypeId: type.id, expiresAt: T0 + 1 }, T0), 'ERR_HUB_NOT_FOUND');
    const d = await registered(s, a, 'hw-1', type.id);
    assert.equal(d.typeId, 'ty1');
    assert.equal(d.state, 'active');
    const tok = (await s.fleet.findRegistrationToken(d.tokenPrefix))!;
    assert.equal(tok.usedByDevice, d.id);
    await rejectsWith(s.fleet.registerDevice(tok, { id: 'd2', hardwareId: 'hw-2', name: 'n', credentialPrefix: 'c2', credentialHash: 'h' }, T0), 'ERR_HUB_TOKEN_USED');
    const tok2 = await s.fleet.createRegistrationToken(a, { id: 't2', prefix: 'p2', secretHash: 'h', deviceTypeId: null, expiresAt: T0 + 1 }, T0);
    await rejectsWith(s.fleet.registerDevice(tok2, { id: 'd3', hardwareId: 'hw-1', name: 'n', credentialPrefix: 'c3', credentialHash: 'h' }, T0), 'ERR_HUB_DEVICE_EXISTS');
    assert.equal((await s.fleet.findRegistrationToken('p2'))?.usedAt, null, 'a failed registration leaves the token unused');
    assert.equal(await s.fleet.getDevice('org-b', d.id), undefined);
    await rejectsWith(s.fleet.updateDevice(b, d.id, { name: 'stolen' }, T0), 'ERR_HUB_NOT_FOUND');
    await rejectsWith(s.fleet.decommissionDevice(b, d.id, T0), 'ERR_HUB_NOT_FOUND');
    assert.equal((await s.fleet.findDeviceByCredential(d.credentialPrefix))?.id, d.id);
    const gone = await s.fleet.decommissionDevice(a, d.id, T0 + 1);
    assert.equal(gone.state, 'decommissioned');
    const again = await registered(s, a, 'hw-1', null, false);
    assert.equal(again.hardwareId, 'hw-1', 'a decommissioned hardware id can register again');
    assert.notEqual(again.id, d.id);
  });

  await withStore('device list: filters, text search, sorting, pagination; injection strings are plain values', async (s) => {
    const { a, b } = await twoOrgs(s);
    for (let i = 0; i < 12; i++) await registered(s, a, `hw-${String(i).padStart(2, '0')}`);
    await registered(s, b, 'hw-other');
    await s.fleet.updateDevice(a, 'dev-hw-03', { tags: ['roof', 'solar'], groups: ['site-1'], location: { lat: 1, lon: 2 }, metadata: { serial: 'S3' } }, T0 + 1);
    await s.fleet.updateDevice(a, 'dev-hw-07', { tags: ['roof'], name: 'Pump 100%_x' }, T0 + 1);
    const page = { limit: 5, offset: 0 };
    const all = await s.fleet.listDevices('org-a', { ...page, limit: 100 });
    assert.equal(all.total, 12);
    assert.ok(all.items.every((d) => d.orgId === 'org-a'));
    assert.deepEqual((await s.fleet.listDevices('org-a', { ...page, tag: 'roof' })).items.map((d) => d.id).sort(), ['dev-hw-03', 'dev-hw-07']);
    assert.deepEqual((await s.fleet.listDevices('org-a', { ...page, group: 'site-1' })).items.map((d) => d.id), ['dev-hw-03']);
    assert.deepEqual((await s.fleet.listDevices('org-a', { ...page, text: '100%_' })).items.map((d) => d.id), ['dev-hw-07']);
    assert.equal((await s.fleet.listDevices('org-a', { ...page, text: 'HW-1' })).total, 2);
    assert.deepEqual((await s.fleet.listDevices('org-a', { ...page, text: '%' })).items.map((d) => d.id), ['dev-hw-07'], '% is a literal');
    assert.equal((await s.fleet.listDevices('org-a', { ...page, text: '_' })).total, 1, '_ is a literal');
    const desc = await s.fleet.listDevices('org-a', { limit: 3, offset: 3, sort: 'hardware_id', order: 'desc' });
    assert.deepEqual(desc.items.map((d) => d.hardwareId), ['hw-08', 'hw-07', 'hw-06']);
    assert.equal(desc.total, 12);
    const d3 = (await s.fleet.getDevice('org-a', 'dev-hw-03'))!;
    assert.deepEqual([d3.tags, d3.groups, d3.location, d3.metadata], [['roof', 'solar'], ['site-1'], { lat: 1, lon: 2 }, { serial: 'S3' }]);
    for (const bad of INJECTIONS) {
      for (const q of [{ tag: bad }, { group: bad }, { text: bad }, { typeId: bad }]) {
        const r = await s.fleet.listDevices('org-a', { ...page, ...q });
        assert.equal(r.total, 0, `${JSON.stringify(q)} matches nothing`);
      }
    }
    assert.equal((await s.fleet.listDevices('org-a', { ...page, limit: 100 })).total, 12, 'tables intact after injection attempts');
    assert.equal((await s.fleet.listDevices('org-a', { ...page, notSeenSince: T0 })).total, 12);
    assert.equal((await s.fleet.listDevices('org-a', { ...page, seenSince: T0 })).total, 0);
  });

  await withStore('heartbeats and logs by time range; last seen on the device', async (s) => {
    const { a } = await twoOrgs(s);
    const d = await registered(s, a, 'hw-h');
    for (let i = 0; i < 5; i++) {
      await s.health.record('org-a', d.id, { at: T0 + i * 1000, status: 'online', body: { cpu: i }, logs: [{ at: T0 + i * 1000, level: i % 2 ? 'warn' : 'info', msg: `m${i}`, ...(i < 4 ? { service: i < 2 ? 'ingest' : 'uplink' } : {}) }], appliedConfig: 't1', configError: null });
    }
    const hb = await s.health.heartbeats('org-a', d.id, { from: T0 + 1000, to: T0 + 3000, limit: 10 });
    assert.deepEqual(hb.map((h) => h.body.cpu), [1, 2]);
    assert.deepEqual((await s.health.logs('org-a', d.id, { from: T0, to: T0 + 10_000, limit: 10, levels: ['warn'] })).map((l) => l.msg), ['m1', 'm3']);
    // Service filter, alone and with levels; a line shipped without a service is kept as null and matches no service filter.
    assert.deepEqual((await s.health.logs('org-a', d.id, { from: T0, to: T0 + 10_000, limit: 10, services: ['uplink'] })).map((l) => [l.msg, l.service]), [['m2', 'uplink'], ['m3', 'uplink']]);
    assert.deepEqual((await s.health.logs('org-a', d.id, { from: T0, to: T0 + 10_000, limit: 10, services: ['ingest', 'uplink'], levels: ['warn'] })).map((l) => l.msg), ['m1', 'm3']);
    assert.equal((await s.health.logs('org-a', d.id, { from: T0, to: T0 + 10_000, limit: 10 })).find((l) => l.msg === 'm4')?.service, null);
    assert.deepEqual(await s.health.heartbeats('org-b', d.id, { from: 0, to: T0 * 2, limit: 10 }), []);
    const dev = (await s.fleet.getDevice('org-a', d.id))!;
    assert.equal(dev.lastSeenAt, T0 + 4000);
    assert.deepEqual(dev.lastHeartbeat, { cpu: 4 });
    assert.equal(dev.appliedConfig, 't1');
    assert.equal(dev.lastStatus, 'online');
    assert.equal((await s.fleet.listDevices('org-a', { limit: 10, offset: 0, lastStatus: 'online', seenSince: T0 + 4000 })).total, 1);
    assert.equal((await s.fleet.listDevices('org-a', { limit: 10, offset: 0, lastStatus: 'degraded' })).total, 0);
    const d2 = await registered(s, a, 'hw-h2');
    const beat = (at: number, status: string) => ({ at, status, body: { cpu: at - T0 }, logs: [{ at, level: 'info', msg: `beat ${at}` }], appliedConfig: null, configError: null });
    assert.deepEqual(await s.health.recordMany([
      { orgId: 'org-a', deviceId: d.id, hb: { at: T0 + 9000, status: 'degraded', body: { cpu: 9 }, logs: [], appliedConfig: 't2', configError: 'x' } },
      { orgId: 'org-a', deviceId: d2.id, hb: { at: T0 + 9001, status: 'online', body: { cpu: 1 }, logs: [{ at: T0 + 9001, level: 'error', msg: 'boom' }], appliedConfig: null, configError: null } },
      // Another org's id for a device is refused in the same group, and the others still commit.
      { orgId: 'org-b', deviceId: d2.id, hb: beat(T0 + 9002, 'online') },
      // The same device twice in one group: the later beat is the device's last seen.
      { orgId: 'org-a', deviceId: d2.id, hb: beat(T0 + 9003, 'degraded') },
    ]), [true, true, false, true]);
    assert.deepEqual([(await s.fleet.getDevice('org-a', d.id))?.lastStatus, (await s.fleet.getDevice('org-a', d2.id))?.lastSeenAt], ['degraded', T0 + 9003]);
    assert.deepEqual((await s.health.heartbeats('org-a', d2.id, { from: T0, to: T0 + 10_000, limit: 10 })).map((h) => h.status), ['online', 'degraded']);
    assert.deepEqual(await s.health.heartbeats('org-b', d2.id, { from: 0, to: T0 * 2, limit: 10 }), [], 'the refused beat stored nothing');
    // A decommissioned device's beat stores nothing and leaves its last-seen summary as it was.
    await s.fleet.decommissionDevice(a, d.id, T0 + 9500);
    assert.equal(await s.health.record('org-a', d.id, beat(T0 + 9600, 'online')), false);
    assert.equal((await s.fleet.getDevice('org-a', d.id))?.lastSeenAt, T0 + 9000);
    assert.equal((await s.health.logs('org-a', d.id, { from: T0 + 9500, to: T0 + 10_000, limit: 10 })).length, 0);
    assert.deepEqual((await s.health.logs('org-a', d2.id, { from: T0, to: T0 + 10_000, limit: 10 })).map((l) => l.msg), ['boom', `beat ${T0 + 9003}`]);
    assert.equal(await s.fleet.getDeviceState('org-a', d2.id), 'active');
    assert.equal(await s.fleet.getDeviceState('org-b', d2.id), undefined);
  });

  await withStore('configs: versions per type and device, device overrides type, rollback re-points', async (s) => {
    const { a, b } = await twoOrgs(s);
    await s.fleet.createDeviceType(a, { id: 'ty', name: 'meter', metrics: [] }, T0);
    const d = await registered(s, a, 'hw-c', 'ty');
    assert.equal(await s.configs.effective('org-a', d.id), undefined);
    await s.configs.create(a, 'device_type', 'ty', { log: { level: 'info' }, store: { maxMb: 10 } }, 'base', T0);
    await s.configs.create(a, 'device', d.id, { log: { level: 'debug' } }, null, T0 + 1);
    assert.deepEqual(await s.configs.effective('org-a', d.id), { version: 't1-d1', body: { log: { level: 'debug' }, store: { maxMb: 10 } } });
    const v2 = await s.configs.create(a, 'device', d.id, { log: { level: 'warn' } }, null, T0 + 2);
    assert.equal(v2.version, 2);
    await s.configs.activate(a, 'device', d.id, 1, T0 + 3);
    const hist = await s.configs.list('org-a', 'device', d.id);
    assert.equal(hist.active, 1);
    assert.deepEqual(hist.versions.map((v) => v.version), [2, 1]);
    assert.equal((await s.configs.effective('org-a', d.id))?.version, 't1-d1');
    await rejectsWith(s.configs.activate(a, 'device', d.id, 9, T0), 'ERR_HUB_NOT_FOUND');
    await rejectsWith(s.configs.create(b, 'device', d.id, {}, null, T0), 'ERR_HUB_NOT_FOUND');
    await rejectsWith(s.configs.list('org-b', 'device_type', 'ty'), 'ERR_HUB_NOT_FOUND');
    const audit = await s.audit('org-a', { entity: 'device_config' });
    assert.deepEqual(audit.map((e) => e.action), ['activate', 'create', 'create']);
    assert.deepEqual(audit[0]?.before, { activeVersion: 2 });
    assert.deepEqual(await s.audit('org-b', { entity: 'device_config' }), []);
  });

  await withStore('points: duplicates ignored, rollups kept in step, batches tracked, org-scoped', async (s) => {
    await twoOrgs(s);
    const pts = Array.from({ length: 2500 }, (_, i) => ({ deviceId: 'd1', metric: 'temp', ts: T0 + i * 1000, value: i % 60, unit: 'degC' }));
    assert.equal(await s.series.writePoints('org-a', pts), 2500);
    assert.equal(await s.series.writePoints('org-a', pts.slice(0, 100)), 0, 'replayed points are duplicates');
    assert.equal(await s.series.writePoints('org-a', [{ deviceId: 'd1', metric: 'temp', ts: T0 - 1, value: null, unit: null }]), 1);
    const raw = await s.series.points('org-a', { deviceId: 'd1', metric: 'temp', from: T0, to: T0 + 5000, limit: 100 });
    assert.deepEqual(raw.map((p) => p.value), [0, 1, 2, 3, 4]);
    assert.deepEqual(await s.series.points('org-b', { deviceId: 'd1', metric: 'temp', from: 0, to: T0 * 2, limit: 10 }), []);
    const minute = Math.floor(T0 / 60_000) * 60_000;
    const hourly = await s.series.rollups('org-a', { deviceId: 'd1', metric: 'temp', from: minute, to: minute + 3_600_000, bucketMs: 3_600_000 });
    const expectCount = pts.filter((p) => p.ts < minute + 3_600_000).length;
    assert.equal(hourly[0]?.count, expectCount);
    assert.equal(hourly[0]?.min, 0);
    assert.equal(hourly[0]?.max, 59);
    const fine = await s.series.rollups('org-a', { deviceId: 'd1', metric: 'temp', from: T0, to: T0 + 10_000, bucketMs: 5000 });
    assert.deepEqual(fine.map((r) => [r.count, r.avg]), [[5, 2], [5, 7]]);
    // A write overlapping stored points: only its new points add to their minute, merged with what the minute held.
    const first = (await s.series.rollups('org-a', { deviceId: 'd1', metric: 'temp', from: minute, to: minute + 60_000, bucketMs: 60_000 }))[0]!;
    assert.equal(await s.series.writePoints('org-a', [
      { deviceId: 'd1', metric: 'temp', ts: T0, value: 100, unit: null }, { deviceId: 'd1', metric: 'temp', ts: T0 + 500, value: 100, unit: null },
      { deviceId: 'd1', metric: 'temp', ts: T0 + 1500, value: -5, unit: null },
    ]), 2);
    const merged = (await s.series.rollups('org-a', { deviceId: 'd1', metric: 'temp', from: minute, to: minute + 60_000, bucketMs: 60_000 }))[0]!;
    assert.deepEqual([merged.count, merged.min, merged.max, merged.avg], [first.count + 2, -5, 100, (first.avg * first.count + 95) / (first.count + 2)]);
    const b = await s.series.createBatch({ id: 'b1', orgId: 'org-a', source: 'ingest', points: 3, archiveKey: 'k' }, T0);
    assert.equal(b.status, 'received');
    await s.series.finishBatch('b1', { status: 'failed', stored: 0, error: 'disk' }, T0 + 1);
    assert.deepEqual({ ...(await s.series.getBatch('org-a', 'b1')) }, { ...b, status: 'failed', error: 'disk', doneAt: T0 + 1 });
    assert.equal(await s.series.getBatch('org-b', 'b1'), undefined);
    await s.series.createBatch({ id: 'b2', orgId: 'org-a', source: 'ingest', points: 5, archiveKey: null }, T0);
    await s.series.createBatch({ id: 'b3', orgId: 'org-a', source: 'ingest', points: 7, archiveKey: null }, T0);
    await s.series.storedBatches(['b2', 'b3'], T0 + 2);
    assert.deepEqual([(await s.series.getBatch('org-a', 'b2'))?.stored, (await s.series.getBatch('org-a', 'b3'))?.status], [5, 'stored']);
  });
  await withStore('uplink: a batch commits once with its points and items; a re-send is a duplicate, other content a conflict', async (s) => {
    await twoOrgs(s);
    const batch = {
      orgId: 'org-a', gateway: 'gw1', stream: 's', seq: 1, sha256: 'aa', receivedAt: T0,
      points: [{ deviceId: 'gw1', metric: 'pump/flow', ts: T0, value: 1.5, unit: 'l' }, { deviceId: 'gw1', metric: 'pump/state', ts: T0, value: null, unit: null, text: 'RUN' }],
      items: [{ id: 7, class: 'critical', kind: 'alert', createdMs: T0, body: '{"rule":"hot"}' }],
    };
    assert.equal(await s.uplink.commit(batch), 'stored');
    assert.equal(await s.uplink.commit(batch), 'duplicate');
    assert.equal(await s.uplink.commit({ ...batch, sha256: 'bb', points: [{ ...batch.points[0]!, ts: T0 + 1 }] }), 'conflict');
    const pts = await s.series.points('org-a', { deviceId: 'gw1', metric: 'pump/flow', from: 0, to: T0 * 2, limit: 10 });
    assert.deepEqual(pts.map((p) => p.ts), [T0], 'the conflicting batch stored nothing');
    assert.deepEqual((await s.series.points('org-a', { deviceId: 'gw1', metric: 'pump/state', from: 0, to: T0 * 2, limit: 10 }))[0]?.text, 'RUN');
    assert.deepEqual((await s.uplink.items('org-a', 'gw1', 'alert')).map((i) => [i.seq, i.itemId, i.body]), [[1, 7, '{"rule":"hot"}']]);
    assert.deepEqual(await s.uplink.items('org-b', 'gw1'), []);
    const hourly = await s.series.rollups('org-a', { deviceId: 'gw1', metric: 'pump/flow', from: T0 - 3_600_000, to: T0 + 3_600_000, bucketMs: 3_600_000 });
    assert.equal(hourly.reduce((n, r) => n + r.count, 0), 1, 'a duplicate does not count twice in rollups');
  });
  await withStore('assignments: type and device level, device overrides, re-pointing resets deployments, reports per device, org-scoped', async (s) => {
    const { a, b } = await twoOrgs(s);
    await s.fleet.createDeviceType(a, { id: 'ty', name: 'pump', metrics: [] }, T0);
    const d = await registered(s, a, 'hw-as', 'ty');
    const pipe = await s.assignments.assign(a, { id: 'as1', targetKind: 'device_type', targetId: 'ty', artifactKind: 'pipeline', name: 'clean', version: '3' }, T0);
    await s.assignments.assign(a, { id: 'as2', targetKind: 'device_type', targetId: 'ty', artifactKind: 'rule', name: 'hot', version: '1' }, T0);
    await s.assignments.assign(a, { id: 'as3', targetKind: 'device', targetId: d.id, artifactKind: 'rule', name: 'hot', version: '2' }, T0);
    const eff = await s.assignments.forDevice('org-a', d.id);
    assert.deepEqual(eff.map((x) => [x.artifactKind, x.name, x.version, x.status]).sort(), [['pipeline', 'clean', '3', 'pending'], ['rule', 'hot', '2', 'pending']]);
    assert.equal(await s.assignments.report('org-a', d.id, [{ assignmentId: 'as1', status: 'failed', reason: 'bad signature' }, { assignmentId: 'as2', status: 'active' }, { assignmentId: 'as3', status: 'active' }], T0 + 1), 2, 'the overridden type rule is not applicable');
    const after = await s.assignments.forDevice('org-a', d.id);
    assert.deepEqual(after.find((x) => x.id === 'as1')?.reason, 'bad signature');
    const repointed = await s.assignments.assign(a, { id: 'ignored', targetKind: 'device_type', targetId: 'ty', artifactKind: 'pipeline', name: 'clean', version: '2' }, T0 + 2);
    assert.deepEqual([repointed.id, repointed.version], [pipe.id, '2']);
    assert.equal((await s.assignments.forDevice('org-a', d.id)).find((x) => x.id === 'as1')?.status, 'pending', 're-pointing resets the deployment');
    await s.assignments.unassign(a, 'as3', T0 + 3);
    assert.equal((await s.assignments.forDevice('org-a', d.id)).find((x) => x.name === 'hot')?.version, '1', 'un-assigning falls back to the type version');
    await rejectsWith(s.assignments.unassign(b, 'as1', T0), 'ERR_HUB_NOT_FOUND');
    await rejectsWith(s.assignments.assign(b, { id: 'x', targetKind: 'device', targetId: d.id, artifactKind: 'rule', name: 'r', version: '1' }, T0), 'ERR_HUB_NOT_FOUND');
    assert.deepEqual(await s.assignments.list('org-b', {}), []);
    assert.deepEqual((await s.audit('org-a', { entity: 'assignment' })).map((e) => e.action), ['unassign', 'repoint', 'assign', 'assign', 'assign']);
  });
  await withStore('pipelines: immutable numbered versions, unchanged saves not repeated, activation history and rollback target, org-scoped', async (s) => {
    const { a, b } = await twoOrgs(s);
    const doc1 = JSON.stringify({ id: 'clean', nodes: [1] });
    const v1 = await s.pipelines.save(a, 'clean', doc1, 'first', T0);
    assert.deepEqual([v1.created, v1.version.version, v1.version.note, v1.version.createdBy], [true, 1, 'first', 'user:ua']);
    assert.match(v1.version.hash, /^[0-9a-f]{64}$/);
    const again = await s.pipelines.save(a, 'clean', doc1, 'ignored', T0 + 1);
    assert.deepEqual([again.created, again.version.version, again.version.note], [false, 1, 'first'], 'the same content as the latest version is not a new version');
    const v2 = await s.pipelines.save(a, 'clean', JSON.stringify({ id: 'clean', nodes: [2] }), null, T0 + 2);
    assert.equal(v2.version.version, 2);
    assert.equal((await s.pipelines.save(a, 'clean', doc1, null, T0 + 3)).version.version, 3, 'going back to older content is a new version');
    assert.deepEqual((await s.pipelines.get('org-a', 'clean', 2)).doc, { id: 'clean', nodes: [2] });
    assert.deepEqual((await s.pipelines.versions('org-a', 'clean')).map((v) => v.version), [1, 2, 3]);
    await rejectsWith(s.pipelines.get('org-a', 'clean', 9), 'ERR_PIPELINE_VERSION');
    await rejectsWith(s.pipelines.get('org-b', 'clean', 1), 'ERR_PIPELINE_VERSION');
    await rejectsWith(s.pipelines.versions('org-b', 'clean'), 'ERR_PIPELINE_VERSION');
    await s.pipelines.save(b, 'clean', JSON.stringify({ id: 'clean', other: true }), null, T0);
    assert.equal((await s.pipelines.get('org-b', 'clean', 1)).doc.other, true, 'each org numbers its own versions');

    assert.deepEqual(await s.pipelines.allActive(), []);
    await s.pipelines.activate(a, 'clean', 1, 'activate', T0 + 10);
    await s.pipelines.activate(a, 'clean', 3, 'activate', T0 + 11);
    assert.equal(await s.pipelines.previousVersion('org-a', 'clean'), 1);
    await rejectsWith(s.pipelines.activate(a, 'clean', 7, 'activate', T0), 'ERR_PIPELINE_VERSION');
    await rejectsWith(s.pipelines.activate(b, 'nope', null, 'deactivate', T0), 'ERR_PIPELINE_VERSION');
    const list = await s.pipelines.list('org-a');
    assert.deepEqual(list.map((p) => [p.id, p.latestVersion, p.versions, p.activeVersion, p.activatedAt]), [['clean', 3, 3, 3, T0 + 11]]);
    assert.deepEqual((await s.pipelines.allActive()).map((v) => [v.orgId, v.pipelineId, v.version]), [['org-a', 'clean', 3]]);
    await s.pipelines.activate(a, 'clean', null, 'deactivate', T0 + 12);
    assert.deepEqual(await s.pipelines.allActive(), [], 'a stopped pipeline does not start at boot');
    assert.deepEqual((await s.pipelines.history('org-a', 'clean')).map((h) => h.version), [null, 3, 1]);
    assert.equal((await s.pipelines.list('org-b'))[0]?.activeVersion, null);
    assert.deepEqual((await s.audit('org-a', { entity: 'pipeline' })).map((e) => e.action), ['deactivate', 'activate', 'activate', 'create', 'create', 'create']);
  });
  await withStore('pipeline outputs: written per org, newest first, filtered, trimmed by age in bounded steps', async (s) => {
    await twoOrgs(s);
    await s.pipelineOutputs.write('org-a', Array.from({ length: 600 }, (_, i) => ({ pipelineId: 'p', nodeId: 'db', kind: 'store' as const, table: 'hot', body: { i } })), T0);
    await s.pipelineOutputs.write('org-a', [{ pipelineId: 'p', nodeId: 'al', kind: 'alert', table: null, body: { rule: 'hot' } }], T0 + 10);
    await s.pipelineOutputs.write('org-b', [{ pipelineId: 'p', nodeId: 'db', kind: 'store', table: 'hot', body: { org: 'b' } }], T0 + 10);
    const newest = await s.pipelineOutputs.list('org-a', { limit: 2 });
    assert.deepEqual(newest.map((o) => [o.kind, o.body]), [['alert', { rule: 'hot' }], ['store', { i: 599 }]]);
    assert.equal((await s.pipelineOutputs.list('org-a', { kind: 'store', table: 'hot', limit: 1000 })).length, 600);
    assert.deepEqual((await s.pipelineOutputs.list('org-b', { limit: 10 })).map((o) => o.body), [{ org: 'b' }]);
    assert.equal(await s.pipelineOutputs.trim(T0 + 1, 250), 250);
    assert.equal(await s.pipelineOutputs.trim(T0 + 1, 1000), 350);
    assert.equal(await s.pipelineOutputs.trim(T0 + 1, 1000), 0);
    assert.equal((await s.pipelineOutputs.list('org-a', { limit: 10 })).length, 1);
  });
  await rolloutConformance((name, fn) => withStore(name, async (st) => { const { a, b } = await twoOrgs(st); await fn(st, a, b); }));
  await desiredConformance((name, fn) => withStore(name, async (st) => { const { a, b } = await twoOrgs(st); await fn(st, a, b); }));
}
