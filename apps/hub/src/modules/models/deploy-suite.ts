import type { TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { buildMlp } from '@outpost/ml/onnx/build';
import { assertError, type Adapter, type Fixture } from '../../testkit/fixture.js';
import { upload, world } from './suite.js';

const MODEL = buildMlp({ inputs: 4, hidden: [16], outputs: 1, seed: 21 });
const runtime = { gateway: '0.1.0', node: '20.20.2', arch: 'x64', platform: 'linux', onnxruntime: '1.30.0' };

async function gateway(f: Fixture, token: string, hardwareId: string, health?: { versions: Record<string, string>; system: Record<string, number> }) {
  const reg = await f.call('POST', '/v1/registration-tokens', { token, body: {} });
  const dev = await f.call('POST', '/v1/register', { body: { token: reg.json.token, hardwareId } });
  assert.equal(dev.status, 201, dev.body);
  const deviceToken = dev.json.deviceToken.token as string;
  const beat = async () => f.call('POST', '/v1/heartbeat', { token: deviceToken, body: { status: 'online', ...health } });
  if (health) assert.equal((await beat()).status, 200);
  return { id: dev.json.deviceId as string, beat };
}

/** Registry versions to gateways through artifacts and deployments, with compatibility checks first. */
export async function deploySuite(t: TestContext, adapter: Adapter): Promise<void> {
  await t.test('deploy: incompatible devices (too little storage, no ONNX runtime, unknown figures) refuse the whole deployment, nothing sent; a canary to compatible gateways starts', async (t) => {
    const w = await world(t, adapter);
    if (!w) return;
    const { f, token } = w;
    await upload(f, token, 'vib', MODEL);
    const ok = await gateway(f, token, 'gw-ok', { versions: runtime, system: { diskFreeBytes: 1e9, memFreeBytes: 1e9 } });
    const full = await gateway(f, token, 'gw-full', { versions: runtime, system: { diskFreeBytes: 100, memFreeBytes: 1e9 } });
    const noOrt = await gateway(f, token, 'gw-arm32', { versions: { ...runtime, arch: 'arm', onnxruntime: '' }, system: { diskFreeBytes: 1e9, memFreeBytes: 1e9 } });
    const silent = await gateway(f, token, 'gw-silent');
    const refused = await f.call('POST', '/v1/registry/models/vib/versions/1/deploy', { token, body: { target: { devices: [ok.id, full.id, noOrt.id, silent.id] }, strategy: { kind: 'canary', count: 1, soakS: 60 } } });
    assertError(refused, 409, 'ERR_MODEL_INCOMPATIBLE');
    const byDevice = Object.fromEntries(refused.json.error.details.devices.map((d: any) => [d.name, d.reasons.join('; ')]));
    assert.deepEqual(Object.keys(byDevice).sort(), ['gw-arm32', 'gw-full', 'gw-silent']);
    assert.match(byDevice['gw-full'], new RegExp(`the model file is ${MODEL.length} bytes and the device has 100 bytes of free storage`));
    assert.match(byDevice['gw-arm32'], /no ONNX runtime .* installed.*platform linux\/arm has no onnxruntime-node CPU binary/);
    assert.match(byDevice['gw-silent'], /report no free storage/);
    assert.deepEqual((await f.call('GET', '/v1/artifacts?kind=model', { token })).json.items, []);

    const started = await f.call('POST', '/v1/registry/models/vib/versions/1/deploy', { token, body: { target: { devices: [ok.id] }, strategy: { kind: 'canary', count: 1, soakS: 60 } } });
    assert.equal(started.status, 201, started.body);
    assert.deepEqual([started.json.model, started.json.devices], [{ name: 'vib', version: 1 }, 1]);
    const [artifact] = (await f.call('GET', '/v1/artifacts?kind=model', { token })).json.items;
    assert.deepEqual([artifact.name, artifact.version, artifact.sha256], ['vib', '1', (await f.call('GET', '/v1/registry/models/vib/versions/1', { token })).json.sha256]);
    const dep = await f.call('GET', `/v1/deployments/${started.json.deployment.id}`, { token });
    assert.equal(dep.status, 200, dep.body);
    assert.deepEqual([dep.json.state, dep.json.strategy.kind, dep.json.progress.released], ['running', 'canary', 1]);
    // The gateway is told to fetch the model in its next heartbeat.
    const hb = await ok.beat();
    assert.match(JSON.stringify(hb.json.artifacts ?? hb.json), /"model"/);
  });

  await t.test('deploy: A/B of two registry versions across a device group stores both as artifacts; monitoring compares them per version and gateway', async (t) => {
    const w = await world(t, adapter);
    if (!w) return;
    const { f, token } = w;
    await upload(f, token, 'vib', MODEL);
    await upload(f, token, 'vib', buildMlp({ inputs: 4, hidden: [16], outputs: 1, seed: 22 }));
    const health = { versions: runtime, system: { diskFreeBytes: 1e9, memFreeBytes: 1e9 } };
    const gws = [await gateway(f, token, 'gw-a', health), await gateway(f, token, 'gw-b', health)];
    const ab = await f.call('POST', '/v1/registry/models/vib/versions/1/deploy', { token, body: { target: { devices: gws.map((g) => g.id) }, strategy: { kind: 'ab', versionB: '2', percent: 50, soakS: 60 } } });
    assert.equal(ab.status, 201, ab.body);
    const dep = (await f.call('GET', `/v1/deployments/${ab.json.deployment.id}`, { token })).json;
    assert.deepEqual([dep.strategy.kind, dep.version, dep.versionB], ['ab', '1', '2']);
    assert.deepEqual((await f.call('GET', '/v1/artifacts?kind=model', { token })).json.items.map((a: any) => a.version).sort(), ['1', '2']);
    assertError(await f.call('POST', '/v1/registry/models/vib/versions/1/deploy', { token, body: { target: { devices: [gws[0]!.id] }, strategy: { kind: 'ab', versionB: '7', soakS: 0 } } }), 404, 'ERR_HUB_NOT_FOUND');
  });

  await t.test('deploy: a stored-only (pickle) version is refused before anything is stored', async (t) => {
    const w = await world(t, adapter);
    if (!w) return;
    const { f, token } = w;
    await upload(f, token, 'churn', Buffer.from([0x80, 0x04, 0x95, 0x2e]), 'filename=churn.pkl');
    const gw = await gateway(f, token, 'gw-1', { versions: runtime, system: { diskFreeBytes: 1e9, memFreeBytes: 1e9 } });
    assertError(await f.call('POST', '/v1/registry/models/churn/versions/1/deploy', { token, body: { target: { devices: [gw.id] } } }), 409, 'ERR_MODEL_NOT_EXECUTABLE');
    assert.deepEqual((await f.call('GET', '/v1/artifacts?kind=model', { token })).json.items, []);
  });
}
