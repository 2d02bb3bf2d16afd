import type { TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createHash } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import { waitFor } from '@outpost/testing';
import { encodeBatch, encodePointSet, UPLINK_HEADERS, UPLINK_PATHS } from '@outpost/contract/wire/index';
import { Ajv } from 'ajv';
import { assertError, hubFixture, type Adapter, type Fixture } from './fixture.js';

async function device(f: Fixture, admin: string, hardwareId: string, deviceTypeId?: string) {
  const reg = await f.call('POST', '/v1/registration-tokens', { token: admin, body: deviceTypeId ? { deviceTypeId } : {} });
  const r = await f.call('POST', '/v1/register', { body: { token: reg.json.token, hardwareId } });
  assert.equal(r.status, 201, r.body);
  return r.json as { deviceId: string; deviceToken: { token: string } };
}

/** Configuration push and rollback, ingest, time series, size and rate limits. */
export async function dataSuite(t: TestContext, adapter: Adapter): Promise<void> {
  await t.test('config: validated against the gateway schema, device overrides type, delivered by heartbeat, history and rollback', async (t) => {
    const f = await hubFixture(t, adapter);
    if (!f) return;
    const { token } = await f.setup();
    const type = (await f.call('POST', '/v1/device-types', { token, body: { name: 'meter', metrics: [] } })).json;
    const d = await device(f, token, 'hw-cfg', type.id);
    const bad = await f.call('POST', `/v1/device-types/${type.id}/configs`, { token, body: { config: { store: { maxMb: 'lots' }, nonsense: 1 } } });
    assertError(bad, 422, 'ERR_HUB_CONFIG_INVALID');
    assert.match(bad.json.error.message, /gateway\.store\.maxMb|gateway\.nonsense/);
    assert.deepEqual((await f.call('GET', `/v1/device-types/${type.id}/configs`, { token })).json.versions, [], 'a rejected config stores nothing');
    // The schema editors check while typing: it refuses what the hub refused and accepts what it stores.
    const schema = await f.call('GET', '/v1/configs/schema', { token });
    assert.equal(schema.status, 200, schema.body);
    const check = new Ajv({ allErrors: true, strict: false }).compile(schema.json);
    assert.equal(check({ store: { maxSizeMb: 'lots' }, nonsense: 1 }), false);
    assert.deepEqual(check.errors?.map((e) => e.instancePath || e.params.additionalProperty).sort(), ['/store/maxSizeMb', 'nonsense']);
    assert.equal(check({ log: { level: 'info' } }), true);
    assert.equal((await f.call('GET', '/v1/configs/schema')).status, 401);
    assert.equal((await f.call('POST', `/v1/device-types/${type.id}/configs`, { token, body: { config: { log: { level: 'info' } }, note: 'base' } })).status, 201);
    assert.equal((await f.call('POST', `/v1/devices/${d.deviceId}/configs`, { token, body: { config: { log: { level: 'debug' } } } })).status, 201);
    const first = await f.call('POST', '/v1/heartbeat', { token: d.deviceToken.token, body: { status: 'online', config: { applied: null } } });
    assert.deepEqual(first.json.config, { version: 't1-d1', body: { log: { level: 'debug' } } });
    const steady = await f.call('POST', '/v1/heartbeat', { token: d.deviceToken.token, body: { status: 'online', config: { applied: 't1-d1' } } });
    assert.deepEqual(steady.json.config, { version: 't1-d1' }, 'no body once applied');
    const converged = await f.call('GET', '/v1/desired?applied=t1-d1', { token: d.deviceToken.token });
    assert.deepEqual([converged.json.changed, converged.json.config], [false, { version: 't1-d1' }]);
    // Long poll: waits while converged, answers as soon as a new version is pushed.
    const polling = f.call('GET', '/v1/desired?applied=t1-d1&wait=30', { token: d.deviceToken.token });
    let answered = false;
    void polling.then(() => { answered = true; });
    await new Promise((r) => setImmediate(r));
    assert.equal(answered, false, 'a converged long poll waits');
    await f.call('POST', `/v1/devices/${d.deviceId}/configs`, { token, body: { config: { log: { level: 'warn' } } } });
    const woke = await polling;
    assert.deepEqual([woke.json.changed, woke.json.config], [true, { version: 't1-d2', body: { log: { level: 'warn' } } }]);
    assertError(await f.call('GET', '/v1/desired', { token }), 403, 'ERR_AUTH_FORBIDDEN');
    const pushed = await f.call('POST', '/v1/heartbeat', { token: d.deviceToken.token, body: { status: 'online', config: { applied: 't1-d1' } } });
    assert.deepEqual(pushed.json.config, { version: 't1-d2', body: { log: { level: 'warn' } } });
    assert.equal((await f.call('POST', `/v1/devices/${d.deviceId}/configs/1/activate`, { token })).status, 200);
    const rolled = await f.call('POST', '/v1/heartbeat', { token: d.deviceToken.token, body: { status: 'online', config: { applied: 't1-d2', error: null } } });
    assert.deepEqual(rolled.json.config, { version: 't1-d1', body: { log: { level: 'debug' } } });
    assertError(await f.call('POST', `/v1/devices/${d.deviceId}/configs/7/activate`, { token }), 404, 'ERR_HUB_NOT_FOUND');
    const hist = (await f.call('GET', `/v1/devices/${d.deviceId}/configs`, { token })).json;
    assert.deepEqual([hist.active, hist.versions.map((v: { version: number }) => v.version)], [1, [2, 1]]);
    await f.call('POST', '/v1/heartbeat', { token: d.deviceToken.token, body: { status: 'degraded', config: { applied: 't1-d2', error: 'mqtt broker failed to start; rolled back' } } });
    const dev = (await f.call('GET', `/v1/devices/${d.deviceId}`, { token })).json;
    assert.deepEqual([dev.appliedConfig, dev.configError, dev.desiredConfig], ['t1-d2', 'mqtt broker failed to start; rolled back', 't1-d1']);
  });

  await t.test('ingest: 202 with a batch, archived raw body, stored by the writer, queryable as points and rollups', async (t) => {
    const f = await hubFixture(t, adapter);
    if (!f) return;
    const { token } = await f.setup();
    const d = await device(f, token, 'pump-7');
    const key = (await f.call('POST', '/v1/api-keys', { token, body: { name: 'ingest', scopes: ['ingest'] } })).json.secret as string;
    const base = Date.UTC(2026, 10, 1, 0, 0, 0);
    const metrics = Array.from({ length: 600 }, (_, i) => ({ name: 'flow', ts: base + i * 60_000, value: i % 10, unit: 'l/min' }));
    metrics.push({ name: 'flow', ts: new Date(base + 600 * 60_000).toISOString() as unknown as number, value: 5, unit: 'l/min' });
    const payload = JSON.stringify({ device_external_id: 'pump-7', metrics });
    const r = await f.call('POST', '/v1/ingest', { apiKey: key, payload, headers: { 'content-type': 'application/json' } });
    assert.equal(r.status, 202, r.body);
    assert.equal(r.json.points, 601);
    const batch = await waitFor(async () => {
      const b = await f.call('GET', `/v1/ingest/batches/${r.json.batchId}`, { token });
      return b.json.status === 'stored' ? b.json : undefined;
    }, { what: 'batch stored' });
    assert.equal(batch.stored, 601);
    const archived = join(f.dataDir, 'objects', batch.archiveKey);
    assert.ok(existsSync(archived));
    assert.equal(readFileSync(archived, 'utf8'), payload, 'the raw body is archived byte for byte');
    const pts = await f.call('GET', `/v1/points?device=${d.deviceId}&metric=flow&from=${base}&to=${base + 5 * 60_000}`, { token });
    assert.deepEqual(pts.json.items.map((p: { value: number }) => p.value), [0, 1, 2, 3, 4]);
    const day = await f.call('GET', `/v1/rollups?device=${d.deviceId}&metric=flow&from=${base}&to=${base + 86_400_000}`, { token });
    assert.equal(day.json.resolution, 300_000, 'auto resolution: 5 min buckets for 24 h');
    assert.equal(day.json.items.reduce((s: number, b: { count: number }) => s + b.count, 0), 601);
    const hourly = await f.call('GET', `/v1/rollups?device=${d.deviceId}&metric=flow&from=${base}&to=${base + 3_600_000}&resolution=3600000`, { token });
    assert.deepEqual(hourly.json.items, [{ bucket: base, count: 60, min: 0, max: 9, avg: 4.5 }]);
    const again = await f.call('POST', '/v1/ingest', { apiKey: key, payload, headers: { 'content-type': 'application/json' } });
    await waitFor(async () => (await f.call('GET', `/v1/ingest/batches/${again.json.batchId}`, { token })).json.status === 'stored');
    const after = await f.call('GET', `/v1/rollups?device=${d.deviceId}&metric=flow&from=${base}&to=${base + 3_600_000}&resolution=3600000`, { token });
    assert.equal(after.json.items[0].count, 60, 'a replayed body is deduplicated, rollups unchanged');
    assertError(await f.call('POST', '/v1/ingest', { apiKey: key, body: { device_external_id: 'nope', metrics: metrics.slice(0, 1) } }), 404, 'ERR_HUB_NOT_FOUND');
    assertError(await f.call('POST', '/v1/ingest', { token, body: { device_external_id: 'pump-7', metrics: [{ name: 'x', ts: 'yesterday', value: 1 }] } }), 400, 'ERR_HUB_INVALID');
    assertError(await f.call('POST', '/v1/ingest', { apiKey: key, body: { device_external_id: 'pump-7', metrics: [{ name: 'x', ts: 1, value: 'high' }] } }), 400, 'ERR_HUB_INVALID');
    assertError(await f.call('POST', '/v1/ingest', { apiKey: key, body: { device_external_id: 'pump-7', metrics: [] } }), 400, 'ERR_HUB_INVALID');
    assertError(await f.call('POST', '/v1/ingest', { apiKey: key, payload: '{"device_external_id": "pump-7", "metrics": [', headers: { 'content-type': 'application/json' } }), 400, 'ERR_HUB_INVALID');
    const huge = JSON.stringify({ device_external_id: 'pump-7', metrics: Array.from({ length: 3000 }, (_, i) => ({ name: 'flow', ts: i, value: i })) });
    assertError(await f.call('POST', '/v1/ingest', { apiKey: key, payload: huge, headers: { 'content-type': 'application/json' } }), 413, 'ERR_HUB_TOO_LARGE');
    const other = await f.org('Globex');
    assertError(await f.call('GET', `/v1/ingest/batches/${r.json.batchId}`, { token: other.token }), 404, 'ERR_HUB_NOT_FOUND');
    const otherKey = (await f.call('POST', '/v1/api-keys', { token: other.token, body: { name: 'i', scopes: ['ingest'] } })).json.secret;
    assertError(await f.call('POST', '/v1/ingest', { apiKey: otherKey, body: { device_external_id: 'pump-7', metrics: metrics.slice(0, 1) } }), 404, 'ERR_HUB_NOT_FOUND');
    assertError(await f.call('GET', `/v1/points?device=${d.deviceId}&metric=flow&from=10&to=5`, { token }), 400, 'ERR_QUERY_INVALID');
  });

  await t.test('a heartbeat flood from one device is rate limited with 429 and Retry-After; other devices are unaffected', async (t) => {
    const f = await hubFixture(t, adapter, { auth: { rateLimitPerMinute: 20 } });
    if (!f) return;
    const { token } = await f.setup();
    const a = await device(f, token, 'flood');
    const b = await device(f, token, 'calm');
    const codes: number[] = [];
    for (let i = 0; i < 30; i++) codes.push((await f.call('POST', '/v1/heartbeat', { token: a.deviceToken.token, body: { status: 'online' } })).status);
    assert.equal(codes.filter((c) => c === 200).length, 20);
    const limited = await f.app.inject({ method: 'POST', url: '/v1/heartbeat', headers: { authorization: `Bearer ${a.deviceToken.token}` }, payload: { status: 'online' } });
    assert.equal(limited.statusCode, 429);
    assert.equal(limited.json().error.code, 'ERR_AUTH_RATE_LIMITED');
    assert.ok(Number(limited.headers['retry-after']) > 0);
    assert.equal((await f.call('POST', '/v1/heartbeat', { token: b.deviceToken.token, body: { status: 'online' } })).status, 200);
    const hbs = await f.call('GET', `/v1/devices/${a.deviceId}/heartbeats`, { token });
    assert.equal(hbs.json.items.length, 20, 'refused beats stored nothing');
  });
  await t.test('uplink from a provisioned gateway (device token): stored once in the hub store under its org, queryable; a re-send is a duplicate', async (t) => {
    const f = await hubFixture(t, adapter);
    if (!f) return;
    const { token } = await f.setup();
    const d = await device(f, token, 'gw-box');
    const ts = Date.UTC(2026, 10, 1, 10, 0, 0);
    const points = Array.from({ length: 50 }, (_, i) => ({ device: 'meter-1', metric: 'kw', ts: ts + i * 1000, value: i }));
    points.push({ device: 'meter-1', metric: 'mode', ts, value: 'AUTO' as unknown as number });
    const body = gzipSync(encodeBatch({ gateway: d.deviceId, stream: 's1', seq: 1, createdMs: ts, items: [
      { id: 1, class: 'normal', kind: 'points', createdMs: ts, body: encodePointSet(points) },
      { id: 2, class: 'critical', kind: 'alert', createdMs: ts, body: Buffer.from('{"rule":"hot"}') },
    ] }));
    const send = (tok: string, gateway = d.deviceId) => f.app.inject({ method: 'POST', url: UPLINK_PATHS.batches, payload: body, headers: {
      'content-type': 'application/x-protobuf', 'content-encoding': 'gzip', [UPLINK_HEADERS.token]: tok, [UPLINK_HEADERS.gateway]: gateway,
      [UPLINK_HEADERS.stream]: 's1', [UPLINK_HEADERS.seq]: '1', [UPLINK_HEADERS.sha256]: createHash('sha256').update(body).digest('hex'),
    } });
    const first = await send(d.deviceToken.token);
    assert.equal(first.statusCode, 200, first.body);
    assert.equal(first.json().result, 'stored');
    assert.equal((await send(d.deviceToken.token)).json().result, 'duplicate');
    assert.equal((await send('odt.forged.token.1.x')).statusCode, 401);
    const other = await device(f, token, 'gw-other');
    assert.equal((await send(other.deviceToken.token)).statusCode, 401, 'a device token only speaks for its own gateway id');
    const kw = await f.call('GET', `/v1/points?device=${d.deviceId}&metric=meter-1/kw&from=${ts}&to=${ts + 60_000}`, { token });
    assert.equal(kw.json.items.length, 50);
    const mode = await f.call('GET', `/v1/points?device=${d.deviceId}&metric=meter-1/mode&from=${ts}&to=${ts + 1}`, { token });
    assert.deepEqual(mode.json.items, [{ ts, value: null, unit: null, text: 'AUTO' }]);
    const orgB = await f.org('Globex');
    assertError(await f.call('GET', `/v1/points?device=${d.deviceId}&metric=meter-1/kw`, { token: orgB.token }), 404, 'ERR_HUB_NOT_FOUND');
  });
  await t.test('assignments reach the device in the heartbeat; deployment status per device; re-pointing and un-assigning roll back', async (t) => {
    const f = await hubFixture(t, adapter);
    if (!f) return;
    const { token } = await f.setup();
    const type = (await f.call('POST', '/v1/device-types', { token, body: { name: 'pump', metrics: [] } })).json;
    const d = await device(f, token, 'hw-asg', type.id);
    const a = await f.call('POST', '/v1/assignments', { token, body: { targetKind: 'device_type', targetId: type.id, artifactKind: 'pipeline', name: 'clean', version: '3' } });
    assert.equal(a.status, 201, a.body);
    const hb = await f.call('POST', '/v1/heartbeat', { token: d.deviceToken.token, body: { status: 'online' } });
    assert.deepEqual(hb.json.assignments, [{ id: a.json.id, artifactKind: 'pipeline', name: 'clean', version: '3' }]);
    await f.call('POST', '/v1/heartbeat', { token: d.deviceToken.token, body: { status: 'online', deployments: [{ assignmentId: a.json.id, status: 'failed', reason: 'signature does not verify' }] } });
    const deps = await f.call('GET', `/v1/devices/${d.deviceId}/deployments`, { token });
    assert.deepEqual(deps.json.items.map((x: { status: string; reason: string }) => [x.status, x.reason]), [['failed', 'signature does not verify']]);
    const back = await f.call('POST', '/v1/assignments', { token, body: { targetKind: 'device_type', targetId: type.id, artifactKind: 'pipeline', name: 'clean', version: '2' } });
    assert.equal(back.json.id, a.json.id, 're-pointing keeps the assignment');
    const hb2 = await f.call('POST', '/v1/heartbeat', { token: d.deviceToken.token, body: { status: 'online' } });
    assert.equal(hb2.json.assignments[0].version, '2');
    assert.equal((await f.call('GET', `/v1/devices/${d.deviceId}/deployments`, { token })).json.items[0].status, 'pending');
    assertError(await f.call('POST', '/v1/heartbeat', { token: d.deviceToken.token, body: { status: 'online', deployments: [{ assignmentId: a.json.id, status: 'pending' }] } }), 400, 'ERR_HUB_INVALID');
    const other = await f.org('Globex');
    assertError(await f.call('DELETE', `/v1/assignments/${a.json.id}`, { token: other.token }), 404, 'ERR_HUB_NOT_FOUND');
    assert.equal((await f.call('DELETE', `/v1/assignments/${a.json.id}`, { token })).status, 204);
    assert.deepEqual((await f.call('POST', '/v1/heartbeat', { token: d.deviceToken.token, body: { status: 'online' } })).json.assignments, []);
  });
}
