import { test } from 'node:test';
import assert from 'node:assert/strict';
import { waitFor } from '@outpost/testing';
import { assertError, hubFixture, type Fixture } from '../../testkit/fixture.js';

const octets = { 'content-type': 'application/octet-stream' };

async function fleet(f: Fixture, token: string, n: number, version = '2.1.0') {
  const out: Array<{ id: string; token: string }> = [];
  for (let i = 0; i < n; i++) {
    const reg = await f.call('POST', '/v1/registration-tokens', { token, body: {} });
    const d = (await f.call('POST', '/v1/register', { body: { token: reg.json.token, hardwareId: `hw-${i}` } })).json;
    out.push({ id: d.deviceId, token: d.deviceToken.token });
    await f.call('POST', '/v1/heartbeat', { token: d.deviceToken.token, body: { status: 'online', versions: { gateway: i % 2 ? version : '2.3.0' } } });
  }
  return out;
}
const beat = (f: Fixture, d: { token: string }, artifacts: unknown[] = []) => f.call('POST', '/v1/heartbeat', { token: d.token, body: { status: 'online', artifacts } });

test('deployments: bad requests are refused with the reason and create nothing', async (t) => {
  const f = (await hubFixture(t, 'sqlite'))!;
  const { token } = await f.setup();
  const devs = await fleet(f, token, 3);
  await f.call('PUT', '/v1/artifacts/rule/limits/1', { token, payload: Buffer.from('{"rules": []}'), headers: octets });
  const artifact = { kind: 'rule', name: 'limits', version: '1' };
  const missing = await f.call('POST', '/v1/deployments', { token, body: { artifact: { ...artifact, version: '9' }, target: { devices: [devs[0]!.id] } } });
  assertError(missing, 400, 'ERR_DEPLOYMENT_INVALID');
  assert.match(missing.json.error.message, /rule limits@9 is not an uploaded artifact/);
  assertError(await f.call('POST', '/v1/deployments', { token, body: { artifact, target: {} } }), 400, 'ERR_DEPLOYMENT_INVALID');
  assertError(await f.call('POST', '/v1/deployments', { token, body: { artifact, target: { devices: ['nope'] } } }), 400, 'ERR_DEPLOYMENT_INVALID');
  const filter = await f.call('POST', '/v1/deployments', { token, body: { artifact, target: { filter: 'firmware ~ 2' } } });
  assert.match(filter.json.error.message, /expected `version <op> <x.y.z>`/);
  assertError(await f.call('POST', '/v1/deployments', { token, body: { artifact, target: { filter: 'version < 2.2.0' }, strategy: { kind: 'canary', percent: 10, count: 1, soakS: 0 } } }), 400, 'ERR_DEPLOYMENT_INVALID');
  assertError(await f.call('POST', '/v1/deployments', { token, body: { artifact, target: { filter: 'version < 2.2.0' }, strategy: { kind: 'warp' } } }), 400, 'ERR_HUB_INVALID');
  assert.deepEqual((await f.call('GET', '/v1/deployments', { token })).json.items, [], 'nothing was created');

  // The version filter picks devices by the gateway version they report.
  const d = await f.call('POST', '/v1/deployments', { token, body: { artifact, target: { filter: 'version < 2.2.0' } } });
  assert.equal(d.status, 201, d.body);
  assert.deepEqual([d.json.state, d.json.progress.devices], ['created', 1]);
  assertError(await f.call('POST', `/v1/deployments/${d.json.id}/pause`, { token }), 409, 'ERR_DEPLOYMENT_STATE');
  assert.deepEqual((await beat(f, devs[1]!)).json.artifacts, [], 'nothing is desired before start');
  assert.equal((await f.call('POST', `/v1/deployments/${d.json.id}/start`, { token })).json.state, 'running');
  const desired = (await beat(f, devs[1]!)).json.artifacts;
  assert.deepEqual(desired.map((a: { artifact: { version: string } }) => a.artifact.version), ['1']);
  assert.deepEqual((await beat(f, devs[0]!)).json.artifacts, [], 'a device outside the filter gets nothing');
  const second = await f.call('POST', '/v1/deployments', { token, body: { artifact, target: { devices: [devs[1]!.id] }, start: true } });
  assertError(second, 409, 'ERR_DEPLOYMENT_STATE');
});

test('deployments: silence becomes "no report within T", a tripped gate rolls back the released devices and skips the rest', async (t) => {
  const f = (await hubFixture(t, 'sqlite'))!;
  const { token } = await f.setup();
  const devs = await fleet(f, token, 10);
  for (const v of ['1', '2']) await f.call('PUT', `/v1/artifacts/model/det/${v}`, { token, payload: Buffer.from(`model ${v}`), headers: octets });
  const all = { devices: devs.map((d) => d.id) };
  const first = (await f.call('POST', '/v1/deployments', { token, body: { artifact: { kind: 'model', name: 'det', version: '1' }, target: all, start: true } })).json;
  for (const d of devs) await beat(f, d, [{ deploymentId: first.id, state: 'active', version: '1' }]);
  await waitFor(async () => (await f.call('GET', `/v1/deployments/${first.id}`, { token })).json.state === 'completed');

  const body = { artifact: { kind: 'model', name: 'det', version: '2' }, target: all, strategy: { kind: 'canary', count: 3, soakS: 60 }, gates: { maxFailures: 0 }, deviceTimeoutS: 30, start: true };
  const dep = (await f.call('POST', '/v1/deployments', { token, body })).json;
  const canary = (await f.call('GET', `/v1/deployments/${dep.id}/devices`, { token })).json.items.filter((d: { batch: number }) => d.batch === 0).map((d: { deviceId: string }) => d.deviceId);
  assert.equal(canary.length, 3);
  const byId = new Map(devs.map((d) => [d.id, d]));
  await beat(f, byId.get(canary[0])!, [{ deploymentId: dep.id, state: 'active', version: '2' }]);
  await beat(f, byId.get(canary[1])!, [{ deploymentId: dep.id, state: 'installing' }]);
  // canary[2] never answers; 31 s later the hub fails it and the gate trips.
  f.clock.now += 31_000;
  await waitFor(async () => (await f.call('GET', `/v1/deployments/${dep.id}`, { token })).json.state === 'rolled_back');
  const after = (await f.call('GET', `/v1/deployments/${dep.id}`, { token })).json;
  assert.match(after.reason, /gate tripped: 2 of 3 released devices failed \(maxFailures 0\); released devices were rolled back/);
  assert.deepEqual(after.failures.map((x: { reason: string; count: number }) => [x.reason, x.count]).sort(), [['no report within 30s (last state: installing)', 1], ['no report within 30s (last state: pending)', 1]]);
  assert.equal(after.progress.skipped, 7, 'devices outside the canary are skipped');
  for (const d of devs) {
    const want = (await beat(f, d)).json.artifacts[0];
    if (canary.includes(d.id)) assert.deepEqual([want.deploymentId, want.rollback, want.artifact.version], [dep.id, true, '1'], 'canary devices go back to 1');
    else assert.deepEqual([want.deploymentId, want.artifact.version], [first.id, '1'], 'the rest never see 2');
  }
  const hist = (await f.call('GET', `/v1/devices/${canary[0]}/deployment-history`, { token })).json.items;
  assert.deepEqual(hist.map((h: { rolloutId: string; version: string }) => [h.rolloutId, h.version]), [[dep.id, '2'], [first.id, '1']]);
  assertError(await f.call('POST', `/v1/deployments/${dep.id}/resume`, { token }), 409, 'ERR_DEPLOYMENT_STATE');
});

test('deployments: A/B splits the target into two arms with their own versions and compares their health figures; a metric gate fails a device that reports too high an error rate', async (t) => {
  const f = (await hubFixture(t, 'sqlite'))!;
  const { token } = await f.setup();
  const devs = await fleet(f, token, 6);
  for (const v of ['1', '2']) await f.call('PUT', `/v1/artifacts/model/det/${v}`, { token, payload: Buffer.from(`model ${v}`), headers: octets });
  const all = { devices: devs.map((d) => d.id) };
  const ab = (await f.call('POST', '/v1/deployments', { token, body: { artifact: { kind: 'model', name: 'det', version: '1' }, target: all, strategy: { kind: 'ab', versionB: '2', percent: 50, soakS: 10 }, start: true } })).json;
  const rows = (await f.call('GET', `/v1/deployments/${ab.id}/devices`, { token })).json.items as Array<{ deviceId: string; arm: string; version: string }>;
  assert.deepEqual(rows.map((r) => `${r.arm}${r.version}`).sort(), ['a1', 'a1', 'a1', 'b2', 'b2', 'b2']);
  const byId = new Map(devs.map((d) => [d.id, d]));
  for (const r of rows) {
    const want = (await beat(f, byId.get(r.deviceId)!)).json.artifacts[0];
    assert.equal(want.artifact.version, r.version, 'each arm is sent its own version');
    await beat(f, byId.get(r.deviceId)!, [{ deploymentId: ab.id, state: 'active', metrics: { errorRate: r.arm === 'a' ? 0.01 : 0.03, latencyMs: r.arm === 'a' ? 5 : 9 } }]);
  }
  const cmp = (await f.call('GET', `/v1/deployments/${ab.id}`, { token })).json;
  assert.deepEqual(cmp.arms, { a: { version: '1', devices: 3, active: 3, failed: 0, errorRate: 0.01, latencyMs: 5 }, b: { version: '2', devices: 3, active: 3, failed: 0, errorRate: 0.03, latencyMs: 9 } });
  assert.equal(cmp.state, 'running', 'A/B soaks before it completes');
  await waitFor(async () => (await f.call('GET', `/v1/deployments/${ab.id}`, { token })).json.batchDoneAt !== null, { what: 'the arms settled' });
  f.clock.now += 11_000;
  await waitFor(async () => (await f.call('GET', `/v1/deployments/${ab.id}`, { token })).json.state === 'completed');

  // Rolling with an error-rate gate: the device over the limit fails, the gate trips, the batch is rolled back.
  const dep = (await f.call('POST', '/v1/deployments', { token, body: { artifact: { kind: 'model', name: 'det', version: '2' }, target: all, strategy: { kind: 'rolling', batchSize: 2, waitS: 0 }, gates: { maxFailures: 0, maxErrorRate: 0.05 }, start: true } })).json;
  const first = (await f.call('GET', `/v1/deployments/${dep.id}/devices`, { token })).json.items.filter((d: { batch: number }) => d.batch === 0);
  await beat(f, byId.get(first[0].deviceId)!, [{ deploymentId: dep.id, state: 'active', metrics: { errorRate: 0.2 } }]);
  const done = await waitFor(async () => { const d = (await f.call('GET', `/v1/deployments/${dep.id}`, { token })).json; return d.state === 'rolled_back' ? d : undefined; });
  assert.match(done.reason, /gate tripped: 1 of 2 released devices failed/);
  assert.deepEqual(done.failures.map((x: { reason: string }) => x.reason), ['gate: error rate 0.2 above 0.05']);
  assert.equal(done.progress.skipped, 4);
});

test('deployments replace assignments: the assignment routes answer with Deprecation and a link to /v1/deployments', async (t) => {
  const f = (await hubFixture(t, 'sqlite'))!;
  const { token } = await f.setup();
  const res = await f.app.inject({ method: 'GET', url: '/v1/assignments', headers: { authorization: `Bearer ${token}` } });
  assert.equal(res.statusCode, 200);
  assert.deepEqual([res.headers.deprecation, res.headers.link], ['true', '</v1/deployments>; rel="successor-version"']);
  const dep = await f.app.inject({ method: 'GET', url: '/v1/deployments', headers: { authorization: `Bearer ${token}` } });
  assert.equal(dep.headers.deprecation, undefined);
});
