import assert from 'node:assert/strict';
import { isOutpostError } from '@outpost/contract';
import type { HubStore } from './store.js';
import type { Actor } from './audit.js';
import type { Rollout } from './rollouts.js';

const T0 = 1_700_000_000_000;
const ref = (version: string) => ({ kind: 'rule' as const, name: 'limits', version, sha256: version.padEnd(64, '0'), size: 10, objectKey: `k/${version}`, signature: 'sig', keyId: 'key', meta: {} });
const spec = (id: string, version: string) => ({
  id, name: `limits ${version}`, artifactKind: 'rule' as const, artifactName: 'limits', version, versionB: null, target: { devices: ['d1', 'd2', 'd3'] },
  strategy: { kind: 'canary', count: 1, soakS: 0 }, gates: { maxFailures: 0 }, onGate: 'rollback' as const, deviceTimeoutS: 60, healthS: 0,
});
const plan = (version: string) => [{ deviceId: 'd1', batch: 0, arm: null, version }, { deviceId: 'd2', batch: 1, arm: null, version }, { deviceId: 'd3', batch: 1, arm: null, version }];

/** Artifacts and deployments (rollouts) on one adapter; `withStore` gives a fresh store with orgs org-a and org-b. */
export async function rolloutConformance(withStore: (name: string, fn: (s: HubStore, a: Actor, b: Actor) => Promise<void>) => Promise<void>): Promise<void> {
  await withStore('artifacts: immutable versions, a second upload of a version conflicts, org-scoped', async (s, a, b) => {
    await s.artifacts.create(a, ref('1'), T0);
    await s.artifacts.create(a, ref('2'), T0 + 1);
    await assert.rejects(s.artifacts.create(a, ref('1'), T0 + 2), (e) => isOutpostError(e, 'ERR_ARTIFACT_EXISTS'));
    assert.deepEqual((await s.artifacts.list(a.orgId, { kind: 'rule' })).map((x) => [x.version, x.size, x.createdBy]), [['2', 10, a.id], ['1', 10, a.id]]);
    assert.equal((await s.artifacts.get(a.orgId, 'rule', 'limits', '1')).sha256, ref('1').sha256);
    await assert.rejects(s.artifacts.get(b.orgId, 'rule', 'limits', '1'), (e) => isOutpostError(e, 'ERR_ARTIFACT_NOT_FOUND'));
    assert.deepEqual(await s.artifacts.list(b.orgId, {}), []);
  });

  await withStore('rollouts: batches released in turn, previous versions remembered, reports only for released devices, rollback re-points, history per device', async (s, a, b) => {
    const first = await s.rollouts.create(a, { ...spec('r1', '1'), strategy: { kind: 'immediate' } }, plan('1').map((d) => ({ ...d, batch: 0 })), T0);
    await s.rollouts.release(first, 0, T0 + 1);
    await s.rollouts.report(a.orgId, 'd1', [{ deploymentId: 'r1', state: 'active' }], T0 + 2);
    await s.rollouts.report(a.orgId, 'd2', [{ deploymentId: 'r1', state: 'failed', error: 'health check failed' }], T0 + 2);
    assert.equal(await s.rollouts.report(b.orgId, 'd3', [{ deploymentId: 'r1', state: 'active' }], T0 + 2), 0, 'another org\'s report changes nothing');

    let second: Rollout = await s.rollouts.create(a, spec('r2', '2'), plan('2'), T0 + 10);
    assert.equal((await s.rollouts.competing(a.orgId, 'rule', 'limits', 'r2')), undefined, 'r1 was never started as running');
    assert.equal(await s.rollouts.release(second, 0, T0 + 11), 1);
    second = await s.rollouts.update(a, second, { state: 'running', batch: 0, startedAt: T0 + 11 }, T0 + 11);
    assert.equal((await s.rollouts.competing(a.orgId, 'rule', 'limits', 'other'))?.id, 'r2');
    assert.equal(await s.rollouts.report(a.orgId, 'd2', [{ deploymentId: 'r2', state: 'active' }], T0 + 12), 0, 'd2 is not released yet');
    assert.equal(await s.rollouts.report(a.orgId, 'd1', [{ deploymentId: 'r2', state: 'verifying', metrics: { errorRate: 0.5 } }], T0 + 12), 1);
    const d1 = (await s.rollouts.devices('r2')).find((d) => d.deviceId === 'd1')!;
    assert.deepEqual([d1.state, d1.previousVersion, d1.desiredVersion, d1.metrics], ['verifying', '1', '2', { errorRate: 0.5 }]);
    assert.deepEqual((await s.rollouts.desiredFor(a.orgId, 'd1')).map((x) => [x.rolloutId, x.version, x.rollback]), [['r2', '2', false]]);
    assert.deepEqual((await s.rollouts.desiredFor(a.orgId, 'd2')).map((x) => [x.rolloutId, x.version]), [['r1', '1']], 'the next batch has not seen r2');

    await s.rollouts.release(second, 1, T0 + 20);
    const d2 = (await s.rollouts.devices('r2')).find((d) => d.deviceId === 'd2')!;
    assert.equal(d2.previousVersion, null, 'd2 failed version 1, so it still runs what it had before: nothing');
    await s.rollouts.markDevices('r2', ['d3'], 'failed', 'no report within 60s', T0 + 21);
    await s.rollouts.rollback(second, T0 + 22, 'gate tripped');
    assert.deepEqual((await s.rollouts.desiredFor(a.orgId, 'd1')).map((x) => [x.version, x.rollback]), [['1', true]]);
    assert.deepEqual((await s.rollouts.desiredFor(a.orgId, 'd2')).map((x) => [x.version, x.rollback]), [[null, true]]);
    const r2 = await s.rollouts.get(a.orgId, 'r2');
    assert.equal((await s.rollouts.update(null, r2, { state: 'rolled_back', reason: 'gate tripped', finishedAt: T0 + 22 }, T0 + 22)).state, 'rolled_back');
    assert.deepEqual((await s.rollouts.list(a.orgId)).map((x) => [x.id, x.state]), [['r2', 'rolled_back'], ['r1', 'created']]);
    assert.deepEqual((await s.rollouts.history(a.orgId, 'd1')).map((h) => [h.rolloutId, h.version]), [['r2', '2'], ['r1', '1']]);
    await assert.rejects(s.rollouts.get(b.orgId, 'r2'), (e) => isOutpostError(e, 'ERR_HUB_NOT_FOUND'));
    assert.deepEqual(await s.rollouts.history(b.orgId, 'd1'), []);
  });
}
