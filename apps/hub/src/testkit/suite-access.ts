import type { TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { assertError, hubFixture, PASSWORD, type Adapter } from './fixture.js';

/** Tenancy and access: sessions, roles, API keys, org scoping, audit, docs. */
export async function accessSuite(t: TestContext, adapter: Adapter): Promise<void> {
  await t.test('setup once, log in, roles: a member reads but cannot write', async (t) => {
    const f = await hubFixture(t, adapter);
    if (!f) return;
    const { token } = await f.setup();
    assertError(await f.call('POST', '/v1/setup', { body: { orgName: 'Again', email: 'x@y.test', password: PASSWORD } }), 409, 'ERR_HUB_CONFLICT');
    assertError(await f.call('POST', '/v1/sessions', { body: { email: 'root@acme.test', password: 'wrong password!' } }), 401, 'ERR_AUTH_INVALID');
    assertError(await f.call('POST', '/v1/sessions', { body: { email: 'nobody@acme.test', password: PASSWORD } }), 401, 'ERR_AUTH_INVALID');
    const me = await f.call('GET', '/v1/me', { token });
    assert.equal(me.json.role, 'system_admin');
    assert.equal((await f.call('POST', '/v1/users', { token, body: { email: 'm@acme.test', password: PASSWORD, role: 'member' } })).status, 201);
    const member = (await f.call('POST', '/v1/sessions', { body: { email: 'm@acme.test', password: PASSWORD } })).json.token as string;
    assert.equal((await f.call('GET', '/v1/devices', { token: member })).status, 200);
    assertError(await f.call('POST', '/v1/device-types', { token: member, body: { name: 't', metrics: [] } }), 403, 'ERR_AUTH_FORBIDDEN');
    assertError(await f.call('GET', '/v1/audit', { token: member }), 403, 'ERR_AUTH_FORBIDDEN');
    assertError(await f.call('POST', '/v1/orgs', { token: member, body: { name: 'x' } }), 403, 'ERR_AUTH_FORBIDDEN');
    assert.equal((await f.call('DELETE', '/v1/sessions/current', { token: member })).status, 204);
    assertError(await f.call('GET', '/v1/devices', { token: member }), 401, 'ERR_AUTH_INVALID');
    f.clock.now += f.config.auth.sessionTtlS * 1000;
    assertError(await f.call('GET', '/v1/me', { token }), 401, 'ERR_AUTH_INVALID');
  });

  await t.test('every protected route refuses a missing or forged credential', async (t) => {
    const f = await hubFixture(t, adapter);
    if (!f) return;
    await f.setup();
    const routes = f.app.printRoutes({ commonPrefix: false });
    assert.match(routes, /devices/);
    const probes: Array<[string, string]> = [
      ['GET', '/v1/devices'], ['GET', '/v1/devices/x'], ['PATCH', '/v1/devices/x'], ['POST', '/v1/devices/x/decommission'],
      ['GET', '/v1/device-types'], ['POST', '/v1/registration-tokens'], ['GET', '/v1/api-keys'], ['GET', '/v1/audit'],
      ['POST', '/v1/devices/x/configs'], ['GET', '/v1/points?device=x&metric=m'], ['GET', '/v1/rollups?device=x&metric=m'],
      ['POST', '/v1/ingest'], ['GET', '/v1/ingest/batches/x'], ['POST', '/v1/heartbeat'], ['GET', '/v1/users'], ['GET', '/v1/orgs'],
    ];
    for (const [method, url] of probes) {
      assertError(await f.call(method as 'GET', url), 401, 'ERR_AUTH_REQUIRED');
      for (const forged of ['ops_000000000000_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA', 'opk_0123456789ab_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA', 'odt.dev.org.99999999999999.forged', 'garbage']) {
        assertError(await f.call(method as 'GET', url, { token: forged }), 401, 'ERR_AUTH_INVALID');
      }
    }
  });

  await t.test('API keys: secret once, hashed, scoped, revocable, expiring, last used; audited', async (t) => {
    const f = await hubFixture(t, adapter);
    if (!f) return;
    const { token } = await f.setup();
    const created = await f.call('POST', '/v1/api-keys', { token, body: { name: 'reader', scopes: ['read'] } });
    assert.equal(created.status, 201, created.body);
    const secret = created.json.secret as string;
    assert.match(secret, /^opk_[0-9a-f]{12}_/);
    const listed = await f.call('GET', '/v1/api-keys', { token });
    assert.ok(!listed.body.includes(secret.slice(17)), 'the secret is never listed');
    assert.equal((await f.call('GET', '/v1/devices', { apiKey: secret })).status, 200);
    assertError(await f.call('POST', '/v1/device-types', { apiKey: secret, body: { name: 'x', metrics: [] } }), 403, 'ERR_AUTH_FORBIDDEN');
    assert.equal((await f.call('GET', '/v1/api-keys', { token })).json.items[0].lastUsedAt, f.clock.now);
    const tampered = secret.slice(0, -2) + (secret.endsWith('AA') ? 'BB' : 'AA');
    assertError(await f.call('GET', '/v1/devices', { apiKey: tampered }), 401, 'ERR_AUTH_INVALID');
    assert.equal((await f.call('DELETE', `/v1/api-keys/${created.json.id}`, { token })).status, 200);
    assertError(await f.call('GET', '/v1/devices', { apiKey: secret }), 401, 'ERR_AUTH_INVALID');
    const short = await f.call('POST', '/v1/api-keys', { token, body: { name: 'short', scopes: ['read'], expiresAt: f.clock.now + 1000 } });
    assert.equal((await f.call('GET', '/v1/devices', { apiKey: short.json.secret })).status, 200);
    f.clock.now += 1000;
    assertError(await f.call('GET', '/v1/devices', { apiKey: short.json.secret }), 401, 'ERR_AUTH_INVALID');
    const audit = await f.call('GET', '/v1/audit?entity=api_key', { token });
    assert.deepEqual(audit.json.items.map((e: { action: string }) => e.action), ['create', 'revoke', 'create']);
    const revoke = audit.json.items[1];
    assert.equal(revoke.before.revokedAt, null);
    assert.equal(typeof revoke.after.revokedAt, 'number');
    assert.match(revoke.actor, /^user:/);
  });

  await t.test('another organisation\'s ids answer 404, exactly like ids that do not exist', async (t) => {
    const f = await hubFixture(t, adapter);
    if (!f) return;
    const a = await f.setup();
    const b = await f.org('Globex');
    const type = await f.call('POST', '/v1/device-types', { token: a.token, body: { name: 'meter', metrics: [] } });
    const key = await f.call('POST', '/v1/api-keys', { token: a.token, body: { name: 'k', scopes: ['read'] } });
    const reg = await f.call('POST', '/v1/registration-tokens', { token: a.token, body: {} });
    const dev = await f.call('POST', '/v1/register', { body: { token: reg.json.token, hardwareId: 'hw-a' } });
    assert.equal(dev.status, 201, dev.body);
    const id = dev.json.deviceId as string;
    for (const [method, url, body] of [
      ['GET', `/v1/devices/${id}`], ['PATCH', `/v1/devices/${id}`, { name: 'x' }], ['POST', `/v1/devices/${id}/decommission`],
      ['GET', `/v1/devices/${id}/heartbeats`], ['GET', `/v1/devices/${id}/logs`], ['GET', `/v1/device-types/${type.json.id}`],
      ['DELETE', `/v1/api-keys/${key.json.id}`], ['GET', `/v1/devices/${id}/configs`], ['POST', `/v1/devices/${id}/configs`, { config: {} }],
      ['GET', `/v1/device-types/${type.json.id}/configs`], ['GET', `/v1/points?device=${id}&metric=m`], ['GET', `/v1/rollups?device=${id}&metric=m`],
      ['POST', '/v1/registration-tokens', { deviceTypeId: type.json.id }],
    ] as Array<[string, string, unknown?]>) {
      const theirs = await f.call(method as 'GET', url, { token: b.token, ...(body ? { body } : {}) });
      const missing = await f.call(method as 'GET', url.replace(id, 'no-such-id').replace(type.json.id, 'no-such-id').replace(key.json.id, 'no-such-id'), { token: b.token, ...(body ? { body } : {}) });
      assertError(theirs, 404, 'ERR_HUB_NOT_FOUND');
      const norm = (m: string) => m.replace(/[\w-]{36}/g, 'ID').replace('no-such-id', 'ID');
      assert.equal(norm(theirs.json.error.message), norm(missing.json.error.message), `${method} ${url} leaks nothing`);
    }
    assert.equal((await f.call('GET', '/v1/devices', { token: b.token })).json.total, 0);
    assert.equal((await f.call('GET', `/v1/devices/${id}`, { token: a.token })).status, 200, 'the owner still sees it');
  });

  await t.test('OpenAPI 3 from the route schemas, browsable at /docs with assets from the package', async (t) => {
    const f = await hubFixture(t, adapter);
    if (!f) return;
    const doc = await f.call('GET', '/docs/json');
    assert.equal(doc.status, 200);
    assert.match(doc.json.openapi, /^3\./);
    assert.ok(doc.json.paths['/v1/ingest'].post.requestBody, 'ingest body schema is in the document');
    assert.ok(doc.json.paths['/v1/devices'].get.parameters.some((p: { name: string }) => p.name === 'tag'));
    const html = await f.call('GET', '/docs/');
    assert.equal(html.status, 200);
    assert.ok(!/https?:\/\/(unpkg|cdn|cdnjs)/.test(html.body), 'no CDN');
    const asset = await f.call('GET', '/docs/static/swagger-ui-bundle.js');
    assert.equal(asset.status, 200);
    assert.ok(asset.body.length > 100_000);
  });
}
