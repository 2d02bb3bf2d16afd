import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadConfig } from '@outpost/config';
import { startHub } from '@outpost/hub';
import { tempDir, waitFor } from '@outpost/testing';
import { run } from '../run.js';
import { captureIo } from '../test-io.js';

const PASSWORD = 'correct horse battery staple';
const T0 = Date.UTC(2026, 10, 22, 12, 0, 0);
const node = (id: string, kind: string, config: Record<string, unknown> = {}) => ({ id, kind, typeVersion: 1, config });
const hot = (threshold: number) => ({
  schemaVersion: 1, id: 'hot',
  nodes: [node('in', 'input', { metrics: ['temp'] }), node('f', 'filter', { expression: `100 / value > ${threshold}` }), node('db', 'store', { table: 'hot' })],
  edges: [{ from: 'in', to: 'f' }, { from: 'f', to: 'db' }],
});

async function cli(args: string[]) {
  const io = captureIo();
  const code = await run(args, io);
  return { code, out: io.stdout(), err: io.stderr() };
}

test('outpost pipeline test against a hub: --replay of the organisation\'s stored series with a trace, --diff, and the hub\'s errors', async (t) => {
  const tmp = tempDir('outpost-cli-pipeline-hub-');
  t.after(tmp.cleanup);
  const hub = await startHub(loadConfig({ overrides: { hub: { port: 0, host: '127.0.0.1', dataDir: tmp.dir, log: { level: 'silent' } } as never } }).hub);
  t.after(() => hub.stop());
  const call = async (method: string, path: string, body?: unknown, auth?: Record<string, string>) => {
    const res = await fetch(hub.url + path, { method, headers: { 'content-type': 'application/json', ...auth }, ...(body ? { body: JSON.stringify(body) } : {}) });
    return (await res.json()) as any;
  };
  await call('POST', '/v1/setup', { orgName: 'Acme', email: 'a@acme.test', password: PASSWORD });
  const token = (await call('POST', '/v1/sessions', { email: 'a@acme.test', password: PASSWORD })).token as string;
  const bearer = { authorization: `Bearer ${token}` };
  const reg = await call('POST', '/v1/registration-tokens', {}, bearer);
  const deviceId = (await call('POST', '/v1/register', { token: reg.token, hardwareId: 'press-1' })).deviceId as string;
  const key = (await call('POST', '/v1/api-keys', { name: 'ingest', scopes: ['ingest'] }, bearer)).secret as string;
  const batch = await call('POST', '/v1/ingest', { device_external_id: 'press-1', metrics: [2, 0, 50].map((value, i) => ({ name: 'temp', ts: T0 + i * 1000, value })) }, { 'x-api-key': key });
  await waitFor(async () => (await call('GET', `/v1/ingest/batches/${batch.batchId}`, undefined, bearer)).status === 'stored', { what: 'batch stored' });

  const w = (name: string, v: unknown) => { const p = join(tmp.dir, name); writeFileSync(p, JSON.stringify(v)); return p; };
  const hubFlags = ['--url', hub.url, '--token', token];
  const replay = `${deviceId},${T0},${T0 + 5000},temp`;
  const r = await cli(['pipeline', 'test', w('hot.json', hot(10)), '--replay', replay, ...hubFlags]);
  assert.equal(r.code, 0, r.err);
  assert.match(r.out, /pipeline hot: 3 point\(s\)/);
  assert.match(r.out, /db \(store → hot\): 1 item\(s\)/);
  assert.match(r.out, /! ERR_ENGINE_EVAL: .*division by zero.*\n {6}point: \{.*"value":0\}/, 'the trace names the failing stored point');
  const diff = await cli(['pipeline', 'test', w('hot.json', hot(10)), '--replay', replay, '--diff', w('v1.json', hot(1)), ...hubFlags]);
  assert.equal(diff.code, 0, diff.err);
  assert.match(diff.out, /1 output\(s\) differ:\n {2}db: changed \(a: 1 item\(s\), b: 2\)/);

  const noMetric = await cli(['pipeline', 'test', w('hot.json', hot(10)), '--replay', `${deviceId},${T0},${T0 + 5000}`, ...hubFlags]);
  assert.equal(noMetric.code, 4);
  assert.match(noMetric.err, new RegExp(`${hub.url} answered 400 ERR_QUERY_INVALID: replay\\.metric: required on the hub`));
  const cyclic = await cli(['pipeline', 'test', w('cyclic.json', { ...hot(1), edges: [...hot(1).edges, { from: 'f', to: 'in', toPort: 'in' }] }), '--replay', replay, ...hubFlags]);
  assert.equal(cyclic.code, 2);
  assert.match(cyclic.err, /ERR_PIPELINE_INVALID.*node '(f|in)'/);
  const anonymous = await cli(['pipeline', 'test', w('hot.json', hot(10)), '--replay', replay, '--url', hub.url]);
  assert.equal(anonymous.code, 4);
  assert.match(anonymous.err, /401 ERR_AUTH_REQUIRED/);
});
