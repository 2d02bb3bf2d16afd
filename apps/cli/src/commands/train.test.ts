import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { loadConfig } from '@outpost/config';
import { startHub } from '@outpost/hub';
import { tempDir, waitFor } from '@outpost/testing';
import { run } from '../run.js';
import { captureIo } from '../test-io.js';

const MIN = 60_000;
const BASE = Date.UTC(2026, 9, 1);

/** A real hub on SQLite with one device holding `n` minutes of a noisy flow signal with spikes at `spikes`. */
async function hubWithData(t: import('node:test').TestContext, n: number, spikes: number[]) {
  const tmp = tempDir();
  t.after(tmp.cleanup);
  const hub = await startHub(loadConfig({ overrides: { hub: { port: 0, host: '127.0.0.1', dataDir: tmp.dir, log: { level: 'silent' }, maxBodyBytes: 8 * 1024 * 1024 } as never } }).hub);
  t.after(() => hub.stop());
  const call = async (method: string, path: string, body?: unknown, token?: string) => {
    const res = await fetch(hub.url + path, { method, headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) }, ...(body ? { body: JSON.stringify(body) } : {}) });
    return { status: res.status, json: (await res.json()) as any };
  };
  await call('POST', '/v1/setup', { orgName: 'Acme', email: 'a@acme.test', password: 'correct horse battery staple' });
  const token = (await call('POST', '/v1/sessions', { email: 'a@acme.test', password: 'correct horse battery staple' })).json.token as string;
  const reg = (await call('POST', '/v1/registration-tokens', {}, token)).json.token;
  const deviceId = (await call('POST', '/v1/register', { token: reg, hardwareId: 'pump-1' })).json.deviceId as string;
  const key = (await call('POST', '/v1/api-keys', { name: 'k', scopes: ['ingest', 'read', 'write'] }, token)).json.secret as string;
  let s = 7;
  const values = Array.from({ length: n }, (_, i) => 50 + ((s = (s * 1103515245 + 12345) % 2 ** 31) / 2 ** 31) + (spikes.includes(i) ? 20 : 0));
  for (let off = 0; off < n; off += 10_000) {
    const metrics = values.slice(off, off + 10_000).map((v, i) => ({ name: 'flow', ts: BASE + (off + i) * MIN, value: v }));
    const r = await call('POST', '/v1/ingest', { device_external_id: 'pump-1', metrics }, key);
    assert.equal(r.status, 202, JSON.stringify(r.json));
    await waitFor(async () => (await call('GET', `/v1/ingest/batches/${r.json.batchId}`, undefined, key)).json.status === 'stored', { timeoutMs: 30_000 });
  }
  return { url: hub.url, key, deviceId, dir: tmp.dir };
}

test('outpost train start shows the estimate, follows progress to a model version; status prints it; a too-large grid is refused', async (t) => {
  const h = await hubWithData(t, 3000, [1000, 2000]);
  const labels = `${h.dir}/labels.csv`;
  writeFileSync(labels, `start,end\n${BASE + 995 * MIN},${BASE + 1005 * MIN}\n${BASE + 1995 * MIN},${BASE + 2005 * MIN}\n`);
  const common = ['--url', h.url, '--token', h.key, '--name', 'flow-z', '--algorithm', 'zscore', '--device', h.deviceId, '--metric', 'flow', '--from', String(BASE), '--to', String(BASE + 3000 * MIN)];
  const io = captureIo();
  assert.equal(await run(['train', 'start', ...common, '--grid', 'zRef=3,4', '--labels', labels, '--wait'], io), 0, io.stderr());
  assert.match(io.stdout(), /^estimate: 2 combination\(s\) over 3000 points, about \d+ s \(limits 200 combinations, 600 s\)$/m);
  assert.match(io.stdout(), /: succeeded, 100% done, ETA 0 s → model flow-z v1$/m);
  const id = /^(\S+) flow-z \(zscore\): succeeded/m.exec(io.stdout())![1]!;
  const st = captureIo();
  assert.equal(await run(['train', 'status', id, '--url', h.url, '--token', h.key, '--json'], st), 0, st.stderr());
  assert.deepEqual(JSON.parse(st.stdout()).model, { name: 'flow-z', version: 1 });
  const big = captureIo();
  const grid = ['--grid', `zRef=${Array.from({ length: 20 }, (_, i) => 2 + i / 10).join(',')}`, '--grid', `window=${Array.from({ length: 20 }, (_, i) => 20 + i).join(',')}`];
  assert.equal(await run(['train', 'start', ...common, ...grid, '--labels', labels], big), 4);
  assert.match(big.stderr(), /ERR_ML_GRID_TOO_LARGE: training zscore would try 400 combination/);
  const bad = captureIo();
  assert.equal(await run(['train', 'start', ...common, '--param', 'zRef'], bad), 2);
  assert.match(bad.stderr(), /expected name=value, got "zRef"/);
});

test('outpost train cancel stops a running job; status shows it cancelled without a model', async (t) => {
  const h = await hubWithData(t, 20_000, [5000, 15_000]);
  const labels = `${h.dir}/labels.csv`;
  writeFileSync(labels, `${BASE + 5000 * MIN}\n${BASE + 15_000 * MIN}\n`);
  const io = captureIo();
  assert.equal(await run(['train', 'start', '--url', h.url, '--token', h.key, '--name', 'slow', '--algorithm', 'novelty', '--device', h.deviceId, '--metric', 'flow',
    '--from', String(BASE), '--to', String(BASE + 20_000 * MIN), '--grid', 'history=1000,2000,3000,4000,5000', '--grid', 'recentHistory=300,500,700,1000', '--labels', labels], io), 0, io.stderr());
  const id = /^started (\S+) slow/m.exec(io.stdout())![1]!;
  const c = captureIo();
  assert.equal(await run(['train', 'cancel', id, '--url', h.url, '--token', h.key], c), 0, c.stderr());
  assert.match(c.stdout(), new RegExp(`^${id} slow \\(novelty\\): (cancelling|cancelled)`));
  const w = captureIo();
  assert.equal(await run(['train', 'status', id, '--wait', '--url', h.url, '--token', h.key], w), 4);
  assert.match(w.stdout(), /: cancelled, .*cancelled while running|: cancelled, .*cancelled before it started/);
  assert.match(w.stderr(), new RegExp(`training job ${id} cancelled`));
});
