import { test } from 'node:test';
import assert from 'node:assert/strict';
import { generateSigningKeys, ProcessorRegistry, signBundle, type ProcessorManifest, type SignedBundle } from '@outpost/sandbox';
import { assertError, hubFixture } from '../../testkit/fixture.js';

const manifest = (version: string, extra: Partial<ProcessorManifest> = {}): ProcessorManifest => ({
  name: 'heat-index', version, description: `scales the value (${version})`, language: 'javascript',
  configSchema: { type: 'object', properties: { factor: { type: 'number' } }, required: ['factor'], additionalProperties: false },
  inputSchema: { type: 'object', required: ['value'], properties: { value: { type: 'number' } } },
  ...extra,
});
// `data` is one point (test runs) or a batch (pipelines): a processor handles both.
const source = (plus: number) => `function process(d, ctx) { const f = (p) => ({ ...p, value: p.value * ctx.config.factor + ${plus} }); return Array.isArray(d) ? d.map(f) : f(d); }`;
const point = (value: number) => ({ device: 'press-1', metric: 'temp', ts: 1_700_000_000_000, value });
const octets = { 'content-type': 'application/octet-stream' };

test('processors: upload validated and signed by the hub key, versions, activate/rollback, enable/disable, test trace, usage', async (t) => {
  const f = (await hubFixture(t, 'sqlite', { maxBodyBytes: 1024 * 1024 }))!;
  const { token, orgId } = await f.setup();
  const up = async (version: string, plus: number, extra: Partial<ProcessorManifest> = {}) =>
    f.call('POST', '/v1/processors', { token, body: { manifest: manifest(version, extra), source: source(plus), note: 'first cut' } });

  // Bad input: each refused with what is wrong, and nothing stored.
  const badSchema = await up('1.0.0', 0, { configSchema: { type: 'object', properties: { factor: { type: 'nonsense' } } } });
  assertError(badSchema, 400, 'ERR_PROCESSOR_INVALID');
  assert.match(badSchema.json.error.message, /heat-index@1\.0\.0: configSchema is not a valid JSON Schema/);
  assertError(await f.call('POST', '/v1/processors', { token, body: { manifest: { ...manifest('1.0.0'), version: 'one' }, source: source(0) } }), 400, 'ERR_PROCESSOR_INVALID');
  assertError(await f.call('POST', '/v1/processors', { token, body: { manifest: manifest('1.0.0'), source: source(0), signature: 'mine' } }), 400, 'ERR_HUB_INVALID');
  assert.deepEqual((await f.call('GET', '/v1/processors', { token })).json.items, []);

  const v1 = await up('1.0.0', 0);
  assert.equal(v1.status, 201, v1.body);
  const key = (await f.call('GET', '/v1/artifacts/signing-key', { token })).json;
  assert.equal(v1.json.keyId, key.keyId, 'signed by the hub\'s artifact key, not a second one');
  assert.deepEqual([v1.json.name, v1.json.version, v1.json.language, v1.json.manifest.configSchema.required], ['heat-index', '1.0.0', 'javascript', ['factor']]);
  assertError(await up('1.0.0', 5), 409, 'ERR_ARTIFACT_EXISTS');
  assert.equal((await up('1.1.0', 1)).status, 201);
  assert.equal((await up('2.0.0', 2)).status, 201);

  // The stored artifact is the signed bundle: a gateway's registry accepts it with the hub's public key.
  const art = await f.app.inject({ method: 'GET', url: '/v1/artifacts/processor/heat-index/1.1.0/content', headers: { authorization: `Bearer ${token}` } });
  const bundle = JSON.parse(art.body) as SignedBundle;
  const gateway = new ProcessorRegistry({ trustedKeys: [key.publicKeyPem] });
  assert.equal(gateway.add(bundle).active, '1.1.0');
  const full = await f.call('GET', '/v1/processors/heat-index/versions/1.1.0', { token });
  assert.deepEqual([full.json.source, full.json.signature.value], [bundle.source, bundle.signature.value]);

  let s = (await f.call('GET', '/v1/processors/heat-index', { token })).json;
  assert.deepEqual([s.enabled, s.active, s.rollbackTo, s.versions.map((v: { version: string }) => v.version)], [true, '1.0.0', null, ['2.0.0', '1.1.0', '1.0.0']]);
  const trace = async (body: object) => (await f.call('POST', '/v1/processors/heat-index/test', { token, body })).json;
  assert.deepEqual((await trace({ config: { factor: 2 }, sample: [point(10)] })).nodes[0].out.out.items.map((p: { value: number }) => p.value), [20]);

  s = (await f.call('POST', '/v1/processors/heat-index/activate', { token, body: { version: '2.0.0' } })).json;
  assert.deepEqual([s.active, s.rollbackTo], ['2.0.0', '1.0.0']);
  const t2 = await trace({ config: { factor: 2 }, sample: [point(10), { ...point(1), value: 'hot' }] });
  assert.deepEqual([t2.format, t2.formatVersion, t2.nodes[0].kind, t2.nodes[0].out.out.items[0].value, t2.nodes[0].errorCount], ['outpost.pipeline-trace', 1, 'processor', 22, 1]);
  assert.match(t2.nodes[0].errors[0].message, /input schema/);
  assert.equal((await trace({ version: '1.1.0', config: { factor: 2 }, sample: [point(10)] })).nodes[0].out.out.items[0].value, 21, 'a named version is tested, not the active one');
  assert.match((await trace({ config: { factor: 'x' }, sample: [point(1)] })).nodes[0].errors[0].message, /config schema/);
  assertError(await f.call('POST', '/v1/processors/heat-index/activate', { token, body: { version: '9.9.9' } }), 404, 'ERR_PROCESSOR_NOT_FOUND');

  s = (await f.call('POST', '/v1/processors/heat-index/rollback', { token })).json;
  assert.deepEqual([s.active, s.rollbackTo], ['1.0.0', null]);
  assertError(await f.call('POST', '/v1/processors/heat-index/rollback', { token }), 409, 'ERR_PROCESSOR_ROLLBACK');
  s = (await f.call('POST', '/v1/processors/heat-index/disable', { token })).json;
  assert.deepEqual([s.enabled, s.versions.length], [false, 3], 'disabled keeps every version');
  assert.equal((await trace({ config: { factor: 2 }, sample: [point(1)] })).nodes[0].out.out.count, 1, 'a disabled processor can still be tried out');

  // Another organisation sees nothing; writes need the write scope; unknown names are 404.
  const other = await f.org('Other');
  assertError(await f.call('GET', '/v1/processors/heat-index', { token: other.token }), 404, 'ERR_PROCESSOR_NOT_FOUND');
  assert.deepEqual((await f.call('GET', '/v1/processors', { token: other.token })).json.items, []);
  assertError(await f.call('POST', '/v1/processors', { body: { manifest: manifest('3.0.0'), source: source(0) } }), 401, 'ERR_AUTH_REQUIRED');
  assertError(await f.call('GET', '/v1/processors/nope/stats', { token }), 404, 'ERR_PROCESSOR_NOT_FOUND');

  // A hub pipeline node runs the active version and follows activation (hot reload); it is counted, test runs are not.
  assert.deepEqual((await f.call('GET', '/v1/processors/heat-index/stats', { token })).json, { name: 'heat-index', versions: {} });
  const node = await f.app.processors.scriptRunner(orgId).processor!({ name: 'heat-index', config: { factor: 3 } }, { nodeId: 'hub-node' });
  t.after(() => node.dispose());
  await assert.rejects(node.run([point(1)]), (e: Error & { code?: string }) => e.code === 'ERR_SCRIPT_DISABLED' && /disabled/.test(e.message), 'a disabled processor does not run in pipelines');
  assert.equal((await f.call('POST', '/v1/processors/heat-index/enable', { token })).json.enabled, true);
  assert.deepEqual((await node.run([point(1)])).map((p) => p.value), [3]);
  await f.call('POST', '/v1/processors/heat-index/activate', { token, body: { version: '1.1.0' } });
  assert.deepEqual((await node.run([point(1)])).map((p) => p.value), [4]);
  const stats = (await f.call('GET', '/v1/processors/heat-index/stats', { token })).json.versions;
  assert.deepEqual([stats['1.0.0'].invocations, stats['1.1.0'].invocations, stats['1.1.0'].errors, stats['1.1.0'].devices], [1, 1, 0, 1]);
  assert.ok(stats['1.1.0'].p95Ms > 0 && stats['1.1.0'].avgMs > 0);
});

test('processors: a bundle uploaded as an artifact must carry the hub\'s signature over an untampered body', async (t) => {
  const f = (await hubFixture(t, 'sqlite', { maxBodyBytes: 1024 * 1024 }))!;
  const { token } = await f.setup();
  const signed = (await f.call('POST', '/v1/processors', { token, body: { manifest: manifest('1.0.0'), source: source(0) } })).json;
  const good = (await f.call('GET', '/v1/processors/heat-index/versions/1.0.0', { token })).json as SignedBundle & { manifest: ProcessorManifest };
  assert.equal(signed.version, '1.0.0');
  const put = (version: string, b: unknown) => f.call('PUT', `/v1/artifacts/processor/heat-index/${version}`, { token, payload: Buffer.from(JSON.stringify(b)), headers: octets });
  const asBundle = (m: ProcessorManifest, src: string, signature: SignedBundle['signature']) => ({ manifest: m, source: src, signature });

  const tampered = await put('1.0.0-t', asBundle(good.manifest, source(1000), good.signature));
  assertError(tampered, 400, 'ERR_ARTIFACT_INVALID');
  assert.match(tampered.json.error.message, /signature does not match/);
  const foreign = signBundle({ manifest: manifest('1.0.1'), source: source(0) }, generateSigningKeys().privateKeyPem);
  const bySomeoneElse = await put('1.0.1', foreign);
  assertError(bySomeoneElse, 400, 'ERR_ARTIFACT_INVALID');
  assert.match(bySomeoneElse.json.error.message, /not trusted/);
  const renamed = await put('7.0.0', asBundle(good.manifest, good.source, good.signature));
  assertError(renamed, 400, 'ERR_ARTIFACT_INVALID');
  assert.match(renamed.json.error.message, /manifest is heat-index@1\.0\.0; expected heat-index@7\.0\.0/);
  assert.deepEqual((await f.call('GET', '/v1/artifacts?kind=processor', { token })).json.items.map((a: { version: string }) => a.version), ['1.0.0'], 'refused bundles store nothing');

  // A bundle this hub signed is accepted as an artifact (here: copied into another organisation) and
  // usable there at once, also when that organisation's registry was already loaded.
  const other = await f.org('Other');
  await f.call('POST', '/v1/processors', { token: other.token, body: { manifest: { ...manifest('1.0.0'), name: 'warm-up' }, source: source(0) } });
  assert.equal((await f.call('POST', '/v1/processors/warm-up/test', { token: other.token, body: { config: { factor: 1 }, sample: [point(1)] } })).status, 200);
  const copied = await f.call('PUT', '/v1/artifacts/processor/heat-index/1.0.0', { token: other.token, payload: Buffer.from(JSON.stringify(good)), headers: octets });
  assert.equal(copied.status, 201, copied.body);
  assert.equal((await f.call('GET', '/v1/processors/heat-index', { token: other.token })).json.active, '1.0.0');
  const tried = await f.call('POST', '/v1/processors/heat-index/test', { token: other.token, body: { config: { factor: 3 }, sample: [point(2)] } });
  assert.equal(tried.json.nodes?.[0]?.out.out.items[0].value, 6, tried.body);
  assert.equal((await f.call('POST', '/v1/processors/heat-index/disable', { token: other.token })).json.enabled, false);
});

test('processors: gateways report usage per version in the heartbeat; the hub adds them up per version', async (t) => {
  const f = (await hubFixture(t, 'sqlite', { maxBodyBytes: 1024 * 1024 }))!;
  const { token } = await f.setup();
  await f.call('POST', '/v1/processors', { token, body: { manifest: manifest('1.0.0'), source: source(0) } });
  const gateway = async (hw: string) => {
    const reg = await f.call('POST', '/v1/registration-tokens', { token, body: {} });
    return (await f.call('POST', '/v1/register', { body: { token: reg.json.token, hardwareId: hw } })).json.deviceToken.token as string;
  };
  const [g1, g2] = [await gateway('hw-1'), await gateway('hw-2')];
  const beat = (dev: string, processors: unknown) => f.call('POST', '/v1/heartbeat', { token: dev, body: { status: 'online', processors } });
  const u = (o: object) => ({ name: 'heat-index', version: '1.0.0', since: 1000, invocations: 100, errors: 2, avgMs: 1.5, p95Ms: 4, ...o });
  assert.equal((await beat(g1, [u({})])).status, 200);
  assert.equal((await beat(g1, [u({ invocations: 300, errors: 3, avgMs: 2 })])).status, 200, 'a later snapshot of the same series replaces the earlier one');
  assert.equal((await beat(g2, [u({ invocations: 100, errors: 0, avgMs: 6, p95Ms: 9 })])).status, 200);
  assertError(await beat(g2, [u({ invocations: -1 })]), 400, 'ERR_HUB_INVALID');
  const s = (await f.call('GET', '/v1/processors/heat-index/stats', { token })).json.versions['1.0.0'];
  assert.deepEqual(s, { invocations: 400, errors: 3, avgMs: (300 * 2 + 100 * 6) / 400, p95Ms: 9, devices: 2 });
});
