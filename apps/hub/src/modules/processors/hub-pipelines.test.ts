import { test } from 'node:test';
import assert from 'node:assert/strict';
import { waitFor } from '@outpost/testing';
import { hubFixture, T0 } from '../../testkit/fixture.js';

const node = (id: string, kind: string, config: Record<string, unknown> = {}) => ({ id, kind, typeVersion: 1, config });
const manifest = (version: string) => ({
  name: 'scale', version, description: 'scales flow', language: 'javascript',
  configSchema: { type: 'object', properties: { factor: { type: 'number' } }, required: ['factor'], additionalProperties: false },
});
const source = (plus: number) => `function process(d, ctx) { return d.map((p) => ({ ...p, metric: 'scaled', value: p.value * ctx.config.factor + ${plus} })); }`;

test('hub pipelines run an organisation\'s processor by name on ingested data and follow its activation', async (t) => {
  const f = (await hubFixture(t, 'sqlite', { maxBodyBytes: 1024 * 1024 }))!;
  const { token } = await f.setup();
  for (const [v, plus] of [['1.0.0', 0], ['2.0.0', 1]] as const) {
    assert.equal((await f.call('POST', '/v1/processors', { token, body: { manifest: manifest(v), source: source(plus) } })).status, 201);
  }
  const pipeline = (config: Record<string, unknown>) => ({
    schemaVersion: 1, id: 'scaled',
    nodes: [node('in', 'input', { metrics: ['flow'] }), node('sc', 'script', { processor: { name: 'scale', config } }), node('out', 'store', { table: 'scaled' })],
    edges: [{ from: 'in', to: 'sc' }, { from: 'sc', to: 'out' }],
  });
  const bad = await f.call('POST', '/v1/pipelines', { token, body: { pipeline: pipeline({ factor: 'x' }), activate: true } });
  assert.equal(bad.status, 400, bad.body);
  assert.match(bad.body, /config schema of scale@1\.0\.0/);
  const other = await f.org('Other');
  const foreign = await f.call('POST', '/v1/pipelines', { token: other.token, body: { pipeline: pipeline({ factor: 1 }), activate: true } });
  assert.equal(foreign.status, 400, 'another organisation\'s processor is not found');

  const saved = await f.call('POST', '/v1/pipelines', { token, body: { pipeline: pipeline({ factor: 10 }), activate: true } });
  assert.equal(saved.status, 201, saved.body);
  const reg = await f.call('POST', '/v1/registration-tokens', { token, body: {} });
  await f.call('POST', '/v1/register', { body: { token: reg.json.token, hardwareId: 'pump-7' } });
  const key = (await f.call('POST', '/v1/api-keys', { token, body: { name: 'ingest', scopes: ['ingest'] } })).json.secret as string;
  const ingest = async (ts: number, value: number) => {
    const r = await f.call('POST', '/v1/ingest', { apiKey: key, body: { device_external_id: 'pump-7', metrics: [{ name: 'flow', ts, value }] } });
    assert.equal(r.status, 202, r.body);
    await waitFor(async () => (await f.call('GET', `/v1/ingest/batches/${r.json.batchId}`, { token })).json.status === 'stored', { what: 'batch stored' });
    await f.app.pipelines.idle();
  };
  const outputs = async () => (await f.call('GET', '/v1/pipelines/outputs?pipeline=scaled&table=scaled', { token })).json.outputs.map((o: { body: { value: number } }) => o.body.value).reverse();
  await ingest(T0, 2);
  assert.deepEqual(await outputs(), [20]);
  await f.call('POST', '/v1/processors/scale/activate', { token, body: { version: '2.0.0' } });
  await ingest(T0 + 1000, 2);
  assert.deepEqual(await outputs(), [20, 21], 'the running node hot-reloaded to the activated version');
  const stats = (await f.call('GET', '/v1/processors/scale/stats', { token })).json.versions;
  assert.deepEqual([stats['1.0.0'].invocations, stats['2.0.0'].invocations], [1, 1]);
});
