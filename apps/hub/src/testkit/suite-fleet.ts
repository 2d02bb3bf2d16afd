import type { TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { assertError, hubFixture, type Adapter, type Fixture } from './fixture.js';

async function registerDevice(f: Fixture, admin: string, hardwareId: string, body: Record<string, unknown> = {}) {
  const reg = await f.call('POST', '/v1/registration-tokens', { token: admin, body });
  assert.equal(reg.status, 201, reg.body);
  const r = await f.call('POST', '/v1/register', { body: { token: reg.json.token, hardwareId } });
  assert.equal(r.status, 201, r.body);
  return { ...r.json, regToken: reg.json.token as string } as { deviceId: string; credential: string; deviceToken: { token: string; expiresAt: number }; regToken: string };
}

const beat = (f: Fixture, token: string, body: Record<string, unknown> = {}) =>
  f.call('POST', '/v1/heartbeat', { token, body: { status: 'online', uptimeS: 5, versions: { gateway: '0.1.0' }, system: { cpu: 0.2, memory: 0.5 }, buffer: { pendingBatches: 0 }, ...body } });

/** Provisioning, registry, heartbeats and device health. */
export async function fleetSuite(t: TestContext, adapter: Adapter): Promise<void> {
  await t.test('registration: token once, expiry, re-registration and forged tokens get clear errors', async (t) => {
    const f = await hubFixture(t, adapter);
    if (!f) return;
    const { token } = await f.setup();
    const type = await f.call('POST', '/v1/device-types', { token, body: { name: 'inverter', metrics: [{ name: 'power', unit: 'kW', min: 0, max: 12 }] } });
    const d = await registerDevice(f, token, 'hw-1', { deviceTypeId: type.json.id });
    assert.match(d.credential, /^odc_/);
    assert.equal((await f.call('GET', `/v1/devices/${d.deviceId}`, { token })).json.typeId, type.json.id);
    const hb = await f.call('POST', '/v1/heartbeat', { token: d.deviceToken.token, body: { status: 'online' } });
    assert.deepEqual(hb.json.expectedMetrics, [{ name: 'power', unit: 'kW', min: 0, max: 12 }], 'the type\'s expected metrics reach the gateway');
    assertError(await f.call('POST', '/v1/register', { body: { token: d.regToken, hardwareId: 'hw-2' } }), 409, 'ERR_HUB_TOKEN_USED');
    const reg2 = await f.call('POST', '/v1/registration-tokens', { token, body: { ttlS: 60 } });
    assertError(await f.call('POST', '/v1/register', { body: { token: reg2.json.token, hardwareId: 'hw-1' } }), 409, 'ERR_HUB_DEVICE_EXISTS');
    f.clock.now += 60_000;
    assertError(await f.call('POST', '/v1/register', { body: { token: reg2.json.token, hardwareId: 'hw-3' } }), 401, 'ERR_HUB_TOKEN_EXPIRED');
    assertError(await f.call('POST', '/v1/register', { body: { token: 'ort_0123456789ab_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA', hardwareId: 'hw-4' } }), 401, 'ERR_AUTH_INVALID');
    assertError(await f.call('POST', '/v1/register', { body: { token: d.regToken.slice(0, -3) + 'xyz', hardwareId: 'hw-5' } }), 401, 'ERR_AUTH_INVALID');
    assertError(await f.call('POST', '/v1/registration-tokens', { token, body: { ttlS: 1 } }), 400, 'ERR_HUB_INVALID');
    assert.equal((await f.call('GET', '/v1/devices', { token })).json.total, 1, 'failed registrations created nothing');
  });

  await t.test('heartbeats: online, degraded, offline after 3 missed beats; token renewal; metrics and logs by range; decommission', async (t) => {
    const f = await hubFixture(t, adapter);
    if (!f) return;
    const { token } = await f.setup();
    const d = await registerDevice(f, token, 'hw-hb');
    assert.equal((await f.call('GET', `/v1/devices/${d.deviceId}`, { token })).json.status, 'offline', 'never seen is offline');
    const t0 = f.clock.now;
    const r = await beat(f, d.deviceToken.token, { logs: [{ at: t0, level: 'warn', msg: 'disk 80%' }, { at: t0, level: 'info', msg: 'started' }] });
    assert.equal(r.status, 200, r.body);
    assert.deepEqual(r.json.config, { version: null });
    assert.equal(r.json.deviceToken, undefined, 'a fresh token is not renewed');
    assert.equal((await f.call('GET', `/v1/devices/${d.deviceId}`, { token })).json.status, 'online');
    f.clock.now += 30_000;
    await beat(f, d.deviceToken.token, { status: 'degraded', system: { cpu: 0.99 } });
    assert.equal((await f.call('GET', `/v1/devices?status=degraded`, { token })).json.total, 1);
    f.clock.now += 3 * 30_000 + 1;
    assert.equal((await f.call('GET', `/v1/devices/${d.deviceId}`, { token })).json.status, 'offline');
    assert.equal((await f.call('GET', `/v1/devices?status=offline`, { token })).json.total, 1);
    assert.equal((await f.call('GET', `/v1/devices?status=online`, { token })).json.total, 0);
    const hb = await f.call('GET', `/v1/devices/${d.deviceId}/heartbeats?from=${t0}&to=${f.clock.now}`, { token });
    assert.deepEqual(hb.json.items.map((h: { status: string; body: { system: { cpu: number } } }) => [h.status, h.body.system.cpu]), [['online', 0.2], ['degraded', 0.99]]);
    const logs = await f.call('GET', `/v1/devices/${d.deviceId}/logs?from=${t0}&to=${f.clock.now}&level=warn`, { token });
    assert.deepEqual(logs.json.items.map((l: { msg: string }) => l.msg), ['disk 80%']);
    f.clock.now = d.deviceToken.expiresAt - 60_000;
    const renewed = await beat(f, d.deviceToken.token);
    assert.ok(renewed.json.deviceToken.expiresAt > d.deviceToken.expiresAt, 'renewed past half-life');
    f.clock.now = d.deviceToken.expiresAt;
    assertError(await beat(f, d.deviceToken.token), 401, 'ERR_AUTH_INVALID');
    assert.equal((await beat(f, renewed.json.deviceToken.token)).status, 200);
    const exchanged = await f.call('POST', '/v1/device-token', { body: { credential: d.credential } });
    assert.equal(exchanged.status, 200, exchanged.body);
    assertError(await f.call('POST', '/v1/device-token', { body: { credential: d.credential.slice(0, -2) + 'zz' } }), 401, 'ERR_AUTH_INVALID');
    assertError(await f.call('GET', '/v1/devices', { token: exchanged.json.token }), 403, 'ERR_AUTH_FORBIDDEN');
    assertError(await f.call('POST', '/v1/heartbeat', { token, body: { status: 'online' } }), 403, 'ERR_AUTH_FORBIDDEN');
    assert.equal((await f.call('POST', `/v1/devices/${d.deviceId}/decommission`, { token })).status, 200);
    assertError(await beat(f, exchanged.json.token), 410, 'ERR_HUB_DEVICE_DECOMMISSIONED');
    assertError(await f.call('POST', '/v1/device-token', { body: { credential: d.credential } }), 410, 'ERR_HUB_DEVICE_DECOMMISSIONED');
    assertError(await beat(f, exchanged.json.token, { status: 'sleepy' }), 400, 'ERR_HUB_INVALID');
  });

  await t.test('registry: update tags, groups, location, metadata; filter, sort, paginate; injection strings in every filter', async (t) => {
    const f = await hubFixture(t, adapter);
    if (!f) return;
    const { token } = await f.setup();
    const ids: string[] = [];
    for (let i = 0; i < 7; i++) ids.push((await registerDevice(f, token, `hw-${i}`)).deviceId);
    const up = await f.call('PATCH', `/v1/devices/${ids[2]}`, { token, body: { name: 'Roof pump', tags: ['roof', 'pump'], groups: ['site-a'], location: { lat: 48.1, lon: 11.5, site: 'Munich' }, metadata: { serial: 'X1' } } });
    assert.equal(up.status, 200, up.body);
    assert.deepEqual([up.json.tags, up.json.groups, up.json.location.site], [['pump', 'roof'], ['site-a'], 'Munich']);
    assertError(await f.call('PATCH', `/v1/devices/${ids[2]}`, { token, body: { location: { lat: 91 } } }), 400, 'ERR_HUB_INVALID');
    assertError(await f.call('PATCH', `/v1/devices/${ids[2]}`, { token, body: { color: 'red' } }), 400, 'ERR_HUB_INVALID');
    const list = async (qs: string) => (await f.call('GET', `/v1/devices?${qs}`, { token })).json;
    assert.deepEqual((await list('tag=roof')).items.map((d: { id: string }) => d.id), [ids[2]]);
    assert.deepEqual((await list('group=site-a&q=roof')).items.map((d: { id: string }) => d.id), [ids[2]]);
    const page = await list('sort=hardware_id&order=desc&limit=2&offset=1');
    assert.deepEqual([page.total, page.items.map((d: { hardwareId: string }) => d.hardwareId)], [7, ['hw-5', 'hw-4']]);
    const inj = [`' OR '1'='1`, `x'; DROP TABLE devices; --`, `" OR ""="`, `%' --`, `1) OR (1=1`];
    for (const bad of inj) {
      const e = encodeURIComponent(bad);
      for (const qs of [`tag=${e}`, `group=${e}`, `q=${e}`, `type=${e}`]) assert.equal((await list(qs)).total, 0, qs);
      assertError(await f.call('GET', `/v1/devices/${e}`, { token }), 404, 'ERR_HUB_NOT_FOUND');
      assertError(await f.call('GET', `/v1/points?device=${e}&metric=${e}`, { token }), 404, 'ERR_HUB_NOT_FOUND');
      assertError(await f.call('GET', `/v1/devices?sort=${e}`, { token }), 400, 'ERR_HUB_INVALID');
    }
    for (const bad of inj) {
      const audit = await f.call('GET', `/v1/audit?entity=${encodeURIComponent(bad)}`, { token });
      assert.deepEqual([audit.status, audit.json.items], [200, []], 'audit filter');
      assertError(await f.call('GET', `/v1/ingest/batches/${encodeURIComponent(bad)}`, { token }), 404, 'ERR_HUB_NOT_FOUND');
      assertError(await f.call('GET', `/v1/assignments?targetKind=${encodeURIComponent(bad)}`, { token }), 400, 'ERR_HUB_INVALID');
      assert.deepEqual((await f.call('GET', `/v1/assignments?targetId=${encodeURIComponent(bad)}`, { token })).json.items, []);
    }
    assert.equal((await list('')).total, 7, 'devices intact');
    assertError(await f.call('GET', '/v1/devices?limit=100000', { token }), 400, 'ERR_HUB_INVALID');
  });
}
