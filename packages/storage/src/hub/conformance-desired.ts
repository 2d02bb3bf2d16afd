import assert from 'node:assert/strict';
import type { HubStore } from './store.js';
import type { Actor } from './audit.js';

const T0 = 1_700_000_000_000;

async function device(s: HubStore, actor: Actor, id: string, typeId: string | null) {
  const tok = await s.fleet.createRegistrationToken(actor, { id: `tok-${id}`, prefix: `p-${id}`, secretHash: 'h', deviceTypeId: typeId, expiresAt: T0 + 60_000 }, T0);
  await s.fleet.registerDevice(tok, { id, hardwareId: `hw-${id}`, name: id, credentialPrefix: `c-${id}`, credentialHash: 'ch' }, T0);
}

const rollout = (id: string, version: string, devices: string[]) => ({
  id, name: `limits ${version}`, artifactKind: 'rule' as const, artifactName: 'limits', version, versionB: null, target: { devices },
  strategy: { kind: 'immediate' }, gates: { maxFailures: 0 }, onGate: 'rollback' as const, deviceTimeoutS: 60, healthS: 30,
});

/**
 * The bulk desired-state loader against the per-device loaders it replaces on the heartbeat path:
 * for every device the same config, assignments (with deployment status), rollouts and expected metrics.
 */
export async function desiredConformance(withStore: (name: string, fn: (s: HubStore, a: Actor, b: Actor) => Promise<void>) => Promise<void>): Promise<void> {
  await withStore('bulk desired state equals the per-device loaders: type vs device config, un-assigned, rolled back, decommissioned, org-scoped', async (s, a, b) => {
    await s.fleet.createDeviceType(a, { id: 'ty', name: 'meter', metrics: [{ name: 'temp', unit: 'C', min: -40, max: 125 }] }, T0);
    await s.fleet.createDeviceType(a, { id: 'bare', name: 'bare', metrics: [] }, T0);
    await s.fleet.createDeviceType(b, { id: 'ty-b', name: 'meter', metrics: [{ name: 'rpm' }] }, T0);
    for (const [id, ty] of [['typed', 'ty'], ['override', 'ty'], ['own', null], ['none', null], ['bare1', 'bare'], ['gone', 'ty']] as const) await device(s, a, id, ty);
    await device(s, b, 'other', 'ty-b');

    // Type config v1 then v2, rolled back to v1; one device overrides it, one has only its own.
    await s.configs.create(a, 'device_type', 'ty', { log: { level: 'info' }, store: { maxMb: 10 } }, null, T0);
    await s.configs.create(a, 'device_type', 'ty', { log: { level: 'warn' } }, null, T0 + 1);
    await s.configs.activate(a, 'device_type', 'ty', 1, T0 + 2);
    await s.configs.create(a, 'device', 'override', { log: { level: 'debug' } }, null, T0 + 3);
    await s.configs.create(a, 'device', 'own', { store: { maxMb: 1 } }, null, T0 + 4);
    await s.configs.create(b, 'device', 'other', { log: { level: 'error' } }, null, T0 + 5);

    // Type assignments; a device override; one assigned then un-assigned; one re-pointed back (rollback).
    await s.assignments.assign(a, { id: 'as-p', targetKind: 'device_type', targetId: 'ty', artifactKind: 'pipeline', name: 'clean', version: '3' }, T0);
    await s.assignments.assign(a, { id: 'as-r', targetKind: 'device_type', targetId: 'ty', artifactKind: 'rule', name: 'hot', version: '1' }, T0 + 1);
    await s.assignments.assign(a, { id: 'as-o', targetKind: 'device', targetId: 'override', artifactKind: 'rule', name: 'hot', version: '2' }, T0 + 2);
    await s.assignments.assign(a, { id: 'as-u', targetKind: 'device', targetId: 'typed', artifactKind: 'processor', name: 'fft', version: '1' }, T0 + 3);
    await s.assignments.unassign(a, 'as-u', T0 + 4);
    await s.assignments.assign(a, { id: 'as-x', targetKind: 'device_type', targetId: 'ty', artifactKind: 'pipeline', name: 'clean', version: '4' }, T0 + 5);
    await s.assignments.assign(a, { id: 'as-x', targetKind: 'device_type', targetId: 'ty', artifactKind: 'pipeline', name: 'clean', version: '3' }, T0 + 6);
    await s.assignments.assign(b, { id: 'as-b', targetKind: 'device_type', targetId: 'ty-b', artifactKind: 'rule', name: 'hot', version: '9' }, T0);
    await s.assignments.report('org-a', 'typed', [{ assignmentId: 'as-p', status: 'failed', reason: 'bad signature' }, { assignmentId: 'as-r', status: 'active' }], T0 + 7);
    await s.assignments.report('org-a', 'override', [{ assignmentId: 'as-o', status: 'deployed' }], T0 + 7);

    // A rollout released to two devices, then rolled back; a later one to one device.
    const r1 = await s.rollouts.create(a, rollout('r1', '1', ['typed', 'own']), [{ deviceId: 'typed', batch: 0, arm: null, version: '1' }, { deviceId: 'own', batch: 0, arm: null, version: '1' }], T0);
    await s.rollouts.release(r1, 0, T0 + 10);
    await s.rollouts.rollback(r1, T0 + 11, 'gate tripped');
    const r2 = await s.rollouts.create(a, rollout('r2', '2', ['own']), [{ deviceId: 'own', batch: 0, arm: null, version: '2' }], T0 + 12);
    await s.rollouts.release(r2, 0, T0 + 13);
    await s.fleet.decommissionDevice(a, 'gone', T0 + 20);

    const ids = ['typed', 'override', 'own', 'none', 'bare1', 'gone'];
    const bulk = await s.desired.forDevices('org-a', [...ids, 'other', 'missing', 'typed']);
    assert.deepEqual([...bulk.keys()].sort(), [...ids].sort(), 'another org\'s device and an unknown id are absent; duplicates are one');
    for (const id of ids) {
      const t = (await s.fleet.getDevice('org-a', id))?.typeId;
      const one = {
        config: await s.configs.effective('org-a', id),
        assignments: await s.assignments.forDevice('org-a', id),
        rollouts: await s.rollouts.desiredFor('org-a', id),
        expectedMetrics: (t ? await s.fleet.getDeviceType('org-a', t) : undefined)?.metrics ?? [],
      };
      assert.deepEqual(bulk.get(id), one, `device ${id}`);
    }
    // The cases are really there (equal to the per-device loaders is not enough if both were empty).
    assert.deepEqual(bulk.get('typed')?.config, { version: 't1', body: { log: { level: 'info' }, store: { maxMb: 10 } } });
    assert.deepEqual(bulk.get('override')?.config?.version, 't1-d1');
    assert.deepEqual(bulk.get('own')?.config, { version: 'd1', body: { store: { maxMb: 1 } } });
    assert.equal(bulk.get('none')?.config, undefined);
    assert.deepEqual(bulk.get('typed')?.assignments.map((x) => [x.id, x.version, x.status, x.reason]), [['as-r', '1', 'active', null], ['as-p', '3', 'failed', 'bad signature']], 'a re-pointed assignment counts from its re-pointing');
    assert.deepEqual(bulk.get('override')?.assignments.map((x) => [x.id, x.status]), [['as-o', 'deployed'], ['as-p', 'pending']]);
    assert.deepEqual(bulk.get('typed')?.rollouts.map((x) => [x.rolloutId, x.version, x.rollback]), [['r1', null, true]]);
    assert.deepEqual(bulk.get('own')?.rollouts.map((x) => [x.rolloutId, x.version, x.rollback]), [['r2', '2', false]]);
    assert.deepEqual(bulk.get('gone')?.expectedMetrics, [{ name: 'temp', unit: 'C', min: -40, max: 125 }]);
    assert.deepEqual(bulk.get('bare1')?.expectedMetrics, []);
    assert.deepEqual([...(await s.desired.forDevices('org-b', ids)).keys()], [], 'org-scoped');
    assert.deepEqual((await s.desired.forDevices('org-b', ['other'])).get('other')?.assignments.map((x) => x.version), ['9']);
    assert.equal((await s.desired.forDevices('org-a', [])).size, 0);
  });
}
