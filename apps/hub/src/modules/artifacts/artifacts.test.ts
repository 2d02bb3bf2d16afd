import { test } from 'node:test';
import assert from 'node:assert/strict';
import { verifyArtifact, type ArtifactRef } from '@outpost/contract/artifacts';
import { isOutpostError } from '@outpost/contract';
import { HubStore } from '@outpost/storage/hub/index';
import { assertError, hubFixture } from '../../testkit/fixture.js';
import { ArtifactSigner } from './signing-key.js';

const octets = { 'content-type': 'application/octet-stream' };

test('artifacts: immutable signed versions, validated per kind, resumable download verified against the hub key', async (t) => {
  const f = (await hubFixture(t, 'sqlite', { maxBodyBytes: 1024 * 1024 }))!;
  const { token } = await f.setup();
  const doc = Buffer.from(JSON.stringify({ id: 'clean', nodes: [{ id: 'in', kind: 'input' }] }));
  const up = await f.call('PUT', '/v1/artifacts/pipeline/clean/1', { token, payload: doc, headers: { 'content-type': 'application/json' } });
  assert.equal(up.status, 201, up.body);
  const ref = up.json as ArtifactRef;
  assert.equal(ref.size, doc.byteLength);
  assert.equal(up.json.objectKey, undefined, 'storage details stay inside the hub');

  assertError(await f.call('PUT', '/v1/artifacts/pipeline/clean/1', { token, payload: doc, headers: octets }), 409, 'ERR_ARTIFACT_EXISTS');
  const bad = await f.call('PUT', '/v1/artifacts/pipeline/clean/2', { token, payload: Buffer.from('{"nodes": 3}'), headers: octets });
  assertError(bad, 400, 'ERR_ARTIFACT_INVALID');
  assert.match(bad.json.error.message, /pipeline clean@2: .*`nodes` array/);
  assertError(await f.call('PUT', '/v1/artifacts/config/site/1', { token, payload: Buffer.from('{"store": {"maxMb": "lots"}}'), headers: octets }), 400, 'ERR_ARTIFACT_INVALID');
  assertError(await f.call('PUT', '/v1/artifacts/firmware/x/1', { token, payload: doc, headers: octets }), 400, 'ERR_HUB_INVALID');
  assertError(await f.call('PUT', '/v1/artifacts/model/x/bad%20version', { token, payload: doc, headers: octets }), 400, 'ERR_HUB_INVALID');
  assert.deepEqual((await f.call('GET', '/v1/artifacts', { token })).json.items.map((a: ArtifactRef) => `${a.kind}/${a.name}@${a.version}`), ['pipeline/clean@1'], 'rejected uploads store nothing');

  // A large binary, fetched in two ranges as a resumed download would.
  const big = Buffer.alloc(300_000, 7);
  big.write('outpost', 1000);
  const sw = (await f.call('PUT', '/v1/artifacts/software/gateway/2.2.0', { token, payload: big, headers: octets })).json as ArtifactRef;
  const key = (await f.call('GET', '/v1/artifacts/signing-key', { token })).json;
  const first = await f.app.inject({ method: 'GET', url: '/v1/artifacts/software/gateway/2.2.0/content', headers: { authorization: `Bearer ${token}`, range: 'bytes=0-99999' } });
  assert.equal(first.statusCode, 206);
  assert.equal(first.headers['content-range'], 'bytes 0-99999/300000');
  const rest = await f.app.inject({ method: 'GET', url: '/v1/artifacts/software/gateway/2.2.0/content', headers: { authorization: `Bearer ${token}`, range: 'bytes=100000-' } });
  const whole = Buffer.concat([first.rawPayload, rest.rawPayload]);
  assert.equal(whole.byteLength, big.byteLength);
  verifyArtifact(sw, whole, key.publicKeyPem);
  const past = await f.app.inject({ method: 'GET', url: '/v1/artifacts/software/gateway/2.2.0/content', headers: { authorization: `Bearer ${token}`, range: 'bytes=300000-' } });
  assert.equal(past.statusCode, 416);
  assert.equal(JSON.parse(past.body).error.code, 'ERR_ARTIFACT_RANGE');

  const tampered = Buffer.from(whole);
  tampered[5] = 8;
  assert.throws(() => verifyArtifact(sw, tampered, key.publicKeyPem), (e) => isOutpostError(e, 'ERR_ARTIFACT_VERIFY') && /SHA-256/.test(e.message));
  assert.throws(() => verifyArtifact({ ...sw, version: '9.9.9' }, whole, key.publicKeyPem), (e) => isOutpostError(e, 'ERR_ARTIFACT_VERIFY') && /signature/.test(e.message));

  // Gateways download with their device token; another org sees nothing.
  const reg = await f.call('POST', '/v1/registration-tokens', { token, body: {} });
  const dev = (await f.call('POST', '/v1/register', { body: { token: reg.json.token, hardwareId: 'hw-1' } })).json;
  const got = await f.app.inject({ method: 'GET', url: '/v1/artifacts/pipeline/clean/1/content', headers: { authorization: `Bearer ${dev.deviceToken.token}` } });
  assert.deepEqual(got.rawPayload, doc);
  const other = await f.org('Other');
  assertError(await f.call('GET', '/v1/artifacts/pipeline/clean/1', { token: other.token }), 404, 'ERR_ARTIFACT_NOT_FOUND');
  assertError(await f.call('PUT', '/v1/artifacts/pipeline/clean/3', { payload: doc, headers: octets }), 401, 'ERR_AUTH_REQUIRED');
});

test('artifacts: the signing key is generated once and kept in the database (a second hub process signs alike)', async (t) => {
  const f = (await hubFixture(t, 'sqlite'))!;
  const { token } = await f.setup();
  const a = (await f.call('GET', '/v1/artifacts/signing-key', { token })).json;
  assert.match(a.publicKeyPem, /BEGIN PUBLIC KEY/);
  const second = await HubStore.open({ kind: 'sqlite', path: `${f.dataDir}/hub.db` });
  t.after(() => second.close());
  assert.equal((await ArtifactSigner.load(second)).keyId, a.keyId);
});
