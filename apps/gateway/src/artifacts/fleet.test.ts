import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tempDir, waitFor } from '@outpost/testing';
import { fleetHub, lightGateway, type LightGateway } from './fleet-kit.js';

const FLEET = 50;

test(`fleet of ${FLEET} gateways: canary halts and rolls back, rolling succeeds, an offline device converges later, a tampered artifact is refused by all`, async (t) => {
  const tmp = tempDir('outpost-fleet-');
  const hub = await fleetHub(`${tmp.dir}/hub`);
  const api = hub.api;
  const fleet: LightGateway[] = [];
  // Gateways first, then the hub, then the folder.
  t.after(async () => { await Promise.all(fleet.map((g) => g.stop())); await hub.stop(); tmp.cleanup(); });

  for (let i = 0; i < FLEET; i++) {
    const reg = await api('POST', '/v1/registration-tokens', {});
    fleet.push(lightGateway({ hubUrl: hub.url, registrationToken: reg.json.token, dir: join(tmp.dir, `gw-${i}`), index: i }));
  }
  // Ten at a time: a fleet comes up together, but the shared test machine has two cores.
  for (let i = 0; i < FLEET; i += 10) await Promise.all(fleet.slice(i, i + 10).map((g) => g.start()));
  const idOf = new Map(fleet.map((g) => [g.client.deviceId!, g]));
  const all = { devices: [...idOf.keys()] };
  const upload = async (kind: string, name: string, version: string, content: string) => assert.equal((await api('PUT', `/v1/artifacts/${kind}/${name}/${version}`, undefined, Buffer.from(content))).status, 201);
  const settled = (id: string, state: string) => waitFor(async () => {
    const d = (await api('GET', `/v1/deployments/${id}`)).json;
    return d.state === state ? d : undefined;
  }, { timeoutMs: 60_000, intervalMs: 200, what: `deployment ${id} ${state}` });

  // Baseline: limits@1 everywhere, immediately.
  await upload('rule', 'limits', '1', '{"rules": ["v1"]}');
  const base = await api('POST', '/v1/deployments', { artifact: { kind: 'rule', name: 'limits', version: '1' }, target: all, start: true });
  assert.equal(base.status, 201, base.text);
  assert.equal((await settled(base.json.id, 'completed')).progress.active, FLEET);
  assert.ok(fleet.every((g) => g.active('rule', 'limits') === '{"rules": ["v1"]}'));

  await t.test('canary of 10% with failing health checks halts and rolls back; untouched devices never receive the artifact', async () => {
    await upload('rule', 'limits', '2', '{"rules": ["v2"]}');
    const dep = (await api('POST', '/v1/deployments', { artifact: { kind: 'rule', name: 'limits', version: '2' }, target: all, strategy: { kind: 'canary', percent: 10, soakS: 5 }, gates: { maxFailures: 1 }, healthS: 0 })).json;
    const devices = (await api('GET', `/v1/deployments/${dep.id}/devices`)).json.items as Array<{ deviceId: string; batch: number }>;
    const canary = devices.filter((d) => d.batch === 0).map((d) => idOf.get(d.deviceId)!);
    assert.equal(canary.length, FLEET / 10);
    for (const g of canary.slice(0, 2)) g.failHealth.add('rule/limits@2');
    assert.equal((await api('POST', `/v1/deployments/${dep.id}/start`)).status, 200);
    const done = await settled(dep.id, 'rolled_back');
    assert.match(done.reason, /gate tripped: 2 of 5 released devices failed \(maxFailures 1\)/);
    assert.equal(done.failures.reduce((n: number, f: { count: number }) => n + f.count, 0), 2);
    for (const f of done.failures) assert.match(f.reason, /health check failed: limits@2 does not work on device \d+; returned to version 1/);
    await waitFor(() => canary.every((g) => g.agent.version('rule', 'limits') === '1'), { timeoutMs: 30_000, what: 'canary devices back on 1' });
    assert.ok(canary.every((g) => g.active('rule', 'limits') === '{"rules": ["v1"]}'));
    const untouched = fleet.filter((g) => !canary.includes(g));
    assert.equal(untouched.length, FLEET - FLEET / 10);
    for (const g of untouched) {
      assert.equal(g.active('rule', 'limits'), '{"rules": ["v1"]}');
      assert.ok(!g.agent.reports().some((r) => r.deploymentId === dep.id), `device ${g.index} never heard of the canary deployment`);
      assert.ok(!readdirSync(join(g.dir, 'artifacts', 'store')).some((f) => f.includes('limits-2')), `device ${g.index} never downloaded limits@2`);
    }
    assert.equal(done.progress.skipped, untouched.length);
  });

  await t.test('a rolling deployment in batches of 20% succeeds end to end', async () => {
    await upload('rule', 'limits', '3', '{"rules": ["v3"]}');
    const dep = (await api('POST', '/v1/deployments', { artifact: { kind: 'rule', name: 'limits', version: '3' }, target: all, strategy: { kind: 'rolling', batchPercent: 20, waitS: 0 }, healthS: 0, start: true })).json;
    const done = await settled(dep.id, 'completed');
    assert.deepEqual([done.progress.active, done.progress.failed, done.batch], [FLEET, 0, 4]);
    assert.ok(fleet.every((g) => g.active('rule', 'limits') === '{"rules": ["v3"]}'));
    const hist = (await api('GET', `/v1/devices/${fleet[0]!.client.deviceId}/deployment-history`)).json.items;
    assert.deepEqual(hist.slice(0, 2).map((h: { rolloutId: string; state: string }) => h.state), ['active', hist[1].state]);
    assert.equal(hist[0].rolloutId, dep.id);
  });

  await t.test('a device offline during the rollout is failed by its timeout, then converges when it comes back', async () => {
    const offline = fleet[7]!;
    await offline.stop();
    await upload('model', 'detector', '1', 'onnx-bytes-v1');
    const dep = (await api('POST', '/v1/deployments', { artifact: { kind: 'model', name: 'detector', version: '1' }, target: all, deviceTimeoutS: 3, healthS: 0, start: true })).json;
    const done = await settled(dep.id, 'completed');
    assert.deepEqual([done.progress.active, done.failures], [FLEET - 1, [{ reason: 'no report within 3s (last state: pending)', count: 1, devices: [offline.client.deviceId] }]]);
    await offline.start();
    await waitFor(async () => (await api('GET', `/v1/deployments/${dep.id}`)).json.progress.active === FLEET, { timeoutMs: 30_000, what: 'the returning device reports active' });
    assert.equal(offline.active('model', 'detector'), 'onnx-bytes-v1');
  });

  await t.test('a tampered artifact is refused by every gateway', async () => {
    await upload('rule', 'thresholds', '1', '{"rules": []}');
    const objects = join(tmp.dir, 'hub', 'objects', 'artifacts');
    const org = readdirSync(objects)[0]!;
    const dir = join(objects, org, 'rule', 'thresholds');
    const file = join(dir, readdirSync(dir)[0]!);
    writeFileSync(file, readFileSync(file, 'utf8').replace('[]', '["evil"]'));
    const dep = (await api('POST', '/v1/deployments', { artifact: { kind: 'rule', name: 'thresholds', version: '1' }, target: all, healthS: 0, start: true })).json;
    const done = await settled(dep.id, 'completed');
    assert.equal(done.progress.failed, FLEET);
    assert.equal(done.failures.length, 1);
    assert.match(done.failures[0].reason, /rule thresholds@1: content has SHA-256 [0-9a-f]{64} \(\d+ bytes\), expected [0-9a-f]{64}/);
    assert.ok(fleet.every((g) => g.active('rule', 'thresholds') === undefined), 'no gateway installed it');
  });
});
