import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tempDir } from '@outpost/testing';
import { assertError, hubFixture, PASSWORD } from '../../testkit/fixture.js';

function builtApp(): string {
  const tmp = tempDir('outpost-dash-');
  mkdirSync(join(tmp.dir, 'assets'));
  writeFileSync(join(tmp.dir, 'index.html'), '<!doctype html><div id="root"></div>');
  writeFileSync(join(tmp.dir, 'assets', 'app-1a2b.js'), 'console.log(1)');
  return tmp.dir;
}

test('the hub serves the built dashboard at / with app routes falling back to index.html; API paths keep JSON 404s', async (t) => {
  const dir = builtApp();
  const f = (await hubFixture(t, 'sqlite', { dashboardDir: dir }))!;
  const root = await f.app.inject({ method: 'GET', url: '/' });
  assert.equal(root.statusCode, 200);
  assert.match(root.body, /id="root"/);
  const deep = await f.app.inject({ method: 'GET', url: '/fleet/devices/abc?tab=1' });
  assert.equal(deep.statusCode, 200);
  assert.match(deep.body, /id="root"/);
  assert.match(String(deep.headers['cache-control']), /no-cache/);
  const asset = await f.app.inject({ method: 'GET', url: '/assets/app-1a2b.js' });
  assert.equal(asset.statusCode, 200);
  assert.equal(asset.body, 'console.log(1)');
  assert.match(String(asset.headers['cache-control']), /immutable/);
  assertError(await f.call('GET', '/v1/no-such-route'), 404, 'ERR_HUB_NOT_FOUND');
  assert.equal((await f.app.inject({ method: 'GET', url: '/docs/json' })).statusCode, 200, 'the OpenAPI document is still served');
  assert.equal((await f.app.inject({ method: 'GET', url: '/../../etc/passwd' })).body.includes('root:'), false);
});

test('without a built dashboard, / says how to build it', async (t) => {
  const f = (await hubFixture(t, 'sqlite', { dashboardDir: tempDir('outpost-dash-empty-').dir }))!;
  const r = await f.app.inject({ method: 'GET', url: '/' });
  assert.equal(r.statusCode, 503);
  assert.match(r.body, /npm run build/);
});

test('a system admin acts in another organisation with X-Outpost-Org; nobody else can', async (t) => {
  const f = (await hubFixture(t, 'sqlite'))!;
  const { token: root, orgId: rootOrg } = await f.setup();
  const plant = await f.org('Plant');
  assert.equal((await f.call('POST', '/v1/device-types', { token: plant.token, body: { name: 'press', metrics: [] } })).status, 201);
  const inPlant = await f.call('GET', '/v1/device-types', { token: root, headers: { 'x-outpost-org': plant.orgId } });
  assert.deepEqual(inPlant.json.items.map((x: { name: string }) => x.name), ['press']);
  assert.deepEqual((await f.call('GET', '/v1/device-types', { token: root })).json.items, [], 'without the header: the own organisation');
  const me = await f.call('GET', '/v1/me', { token: root, headers: { 'x-outpost-org': plant.orgId } });
  assert.deepEqual([me.json.orgId, me.json.role], [plant.orgId, 'system_admin']);
  assertError(await f.call('GET', '/v1/device-types', { token: plant.token, headers: { 'x-outpost-org': rootOrg } }), 403, 'ERR_AUTH_FORBIDDEN');
  assertError(await f.call('GET', '/v1/device-types', { token: root, headers: { 'x-outpost-org': 'no-such-org' } }), 404, 'ERR_HUB_NOT_FOUND');
  // A change made while switched is recorded in that organisation's audit log, by the system admin.
  assert.equal((await f.call('POST', '/v1/device-types', { token: root, headers: { 'x-outpost-org': plant.orgId }, body: { name: 'pump', metrics: [] } })).status, 201);
  const audit = await f.call('GET', '/v1/audit?entity=device_type', { token: plant.token });
  assert.equal(audit.json.items[0].actor, `user:${me.json.id}`);
});

test('registration tokens: listed without secrets, revoked (registration then fails), audited; admins only', async (t) => {
  const f = (await hubFixture(t, 'sqlite'))!;
  const { token } = await f.setup();
  const a = (await f.call('POST', '/v1/registration-tokens', { token, body: {} })).json;
  const b = (await f.call('POST', '/v1/registration-tokens', { token, body: {} })).json;
  f.clock.now += 1;
  const list = await f.call('GET', '/v1/registration-tokens', { token });
  assert.equal(list.status, 200);
  assert.deepEqual(list.json.items.map((x: { id: string }) => x.id).sort(), [a.id, b.id].sort());
  assert.ok(!list.body.includes(a.token) && !list.body.includes('secretHash'), 'no secrets listed');
  const revoked = await f.call('DELETE', `/v1/registration-tokens/${a.id}`, { token });
  assert.equal(revoked.status, 200, revoked.body);
  assert.equal(revoked.json.expiresAt, f.clock.now);
  assertError(await f.call('POST', '/v1/register', { body: { token: a.token, hardwareId: 'hw-1' } }), 401, 'ERR_HUB_TOKEN_EXPIRED');
  assert.equal((await f.call('POST', '/v1/register', { body: { token: b.token, hardwareId: 'hw-2' } })).status, 201);
  assertError(await f.call('DELETE', '/v1/registration-tokens/nope', { token }), 404, 'ERR_HUB_NOT_FOUND');
  const audit = await f.call('GET', '/v1/audit?entity=registration_token', { token });
  assert.ok(audit.json.items.some((e: { action: string; entityId: string }) => e.action === 'revoke' && e.entityId === a.id));
  assert.equal((await f.call('POST', '/v1/users', { token, body: { email: 'm@acme.test', password: PASSWORD, role: 'member' } })).status, 201);
  const member = (await f.call('POST', '/v1/sessions', { body: { email: 'm@acme.test', password: PASSWORD } })).json.token;
  assertError(await f.call('GET', '/v1/registration-tokens', { token: member }), 403, 'ERR_AUTH_FORBIDDEN');
  assertError(await f.call('DELETE', `/v1/registration-tokens/${b.id}`, { token: member }), 403, 'ERR_AUTH_FORBIDDEN');
});
