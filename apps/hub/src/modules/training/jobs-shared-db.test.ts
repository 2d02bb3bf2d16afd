// Two hub processes sharing one database (here: two hubs on one SQLite file in this process):
// a cancel sent to the process that does not run the job still stops it, and a job whose owner
// stopped marking it alive is failed by another process.
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { loadConfig } from '@outpost/config';
import { HubStore } from '@outpost/storage/hub/index';
import { tempDir, waitFor } from '@outpost/testing';
import { createHub } from '../../server.js';

const MIN = 60_000;
const BASE = Date.UTC(2026, 9, 1);

async function hub(t: TestContext, dir: string, clock: { now: number }) {
  const store = await HubStore.open({ kind: 'sqlite', path: `${dir}/hub.db` });
  const config = loadConfig({ overrides: { hub: { port: 0, dataDir: dir, log: { level: 'silent' }, maxBodyBytes: 8 * 1024 * 1024 } as never } }).hub;
  const app = await createHub(config, { now: () => clock.now, store });
  t.after(() => app.close());
  return async (method: 'GET' | 'POST', url: string, token?: string, body?: unknown) => {
    const r = await app.inject({ method, url, headers: token ? { authorization: `Bearer ${token}` } : {}, ...(body !== undefined ? { payload: body as object } : {}) });
    return { status: r.statusCode, json: JSON.parse(r.body || 'null') as any, body: r.body };
  };
}

test('a cancel through another hub process stops the job; a job not marked alive for 5 minutes is failed as an orphan', async (t) => {
  const tmp = tempDir('outpost-hub-');
  t.after(tmp.cleanup);
  const clockA = { now: BASE + 30_000 * MIN };
  const a = await hub(t, tmp.dir, clockA);
  const pw = 'correct horse battery staple';
  await a('POST', '/v1/setup', undefined, { orgName: 'Acme', email: 'r@acme.test', password: pw });
  const token = (await a('POST', '/v1/sessions', undefined, { email: 'r@acme.test', password: pw })).json.token as string;
  const reg = (await a('POST', '/v1/registration-tokens', token, {})).json.token;
  const deviceId = (await a('POST', '/v1/register', undefined, { token: reg, hardwareId: 'p' })).json.deviceId as string;
  const key = (await a('POST', '/v1/api-keys', token, { name: 'k', scopes: ['ingest', 'read'] })).json.secret as string;
  for (let off = 0; off < 20_000; off += 10_000) {
    const metrics = Array.from({ length: 10_000 }, (_, i) => ({ name: 'x', ts: BASE + (off + i) * MIN, value: Math.sin(off + i) + ((off + i) % 4999 === 0 ? 9 : 0) }));
    const r = await a('POST', '/v1/ingest', key, { device_external_id: 'p', metrics });
    assert.equal(r.status, 202, r.body);
    await waitFor(async () => (await a('GET', `/v1/ingest/batches/${r.json.batchId}`, token)).json.status === 'stored', { timeoutMs: 30_000 });
  }
  const slow = { algorithm: 'novelty', devices: [deviceId], metrics: ['x'], from: BASE, to: BASE + 20_000 * MIN,
    grid: { history: [1000, 2000, 3000, 4000, 5000], recentHistory: [300, 500, 700, 1000] }, labels: `${BASE + 4999 * MIN}\n${BASE + 9998 * MIN}` };

  // Hub B shares the database; its clock agrees with A's.
  const clockB = { now: clockA.now };
  const b = await hub(t, tmp.dir, clockB);
  const j1 = (await a('POST', '/v1/training-jobs', token, { name: 'one', ...slow })).json;
  await waitFor(async () => (await b('GET', `/v1/training-jobs/${j1.id}`, token)).json.progress.percent > 0, { timeoutMs: 30_000, what: 'job one running on A' });
  const c = await b('POST', `/v1/training-jobs/${j1.id}/cancel`, token);
  assert.deepEqual([c.status, c.json.status], [202, 'cancelling']);
  await waitFor(async () => (await a('GET', `/v1/training-jobs/${j1.id}`, token)).json.status === 'cancelled', { timeoutMs: 30_000, what: 'A to notice the cancel made on B' });

  // A job on A, then B's sweep 6 minutes later (A's clock stood still: it never marked the job alive).
  const j2 = (await a('POST', '/v1/training-jobs', token, { name: 'two', ...slow })).json;
  clockB.now += 6 * MIN;
  // The sweep runs at start and every minute; a third hub on B's clock runs one now.
  const c3 = await hub(t, tmp.dir, clockB);
  const orphan = (await c3('GET', `/v1/training-jobs/${j2.id}`, token)).json;
  assert.deepEqual([orphan.status, orphan.error], ['failed', 'the hub process running this job stopped; start it again']);
  // A, still alive here, sees the mark at its next progress write and stops without a model.
  await waitFor(async () => (await a('GET', '/v1/training-jobs', token)).json.items.every((j: any) => j.status !== 'running'), { timeoutMs: 30_000, what: 'A to stop job two' });
  assert.equal((await a('GET', `/v1/training-jobs/${j2.id}`, token)).json.status, 'failed');
  assert.deepEqual((await c3('GET', '/v1/models', token)).json.items, []);
});
