import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadConfig } from '@outpost/config';
import { createSimulator } from '@outpost/simulator';
import { tempDir, waitFor } from '@outpost/testing';
// Test-only: the real hub over real HTTP, so the gateway meets the routes it meets in a fleet.
import { startHub } from '@outpost/hub';
import { startHubLink } from '../../hub-link/supervisor.js';

const PASSWORD = 'correct horse battery staple';
const MIN = 60_000;
const H = 60 * MIN;
const STEP = 10_000;

test('hub training job → model version → deploy → gateway agent installs it → the gateway pipeline flags the faults injected in live simulator data', async (t) => {
  const tmp = tempDir('outpost-model-deploy-');
  t.after(tmp.cleanup);
  const hub = await startHub(loadConfig({ overrides: { hub: { port: 0, dataDir: `${tmp.dir}/hub`, heartbeatIntervalS: 1, log: { level: 'silent' } } } }).hub);
  t.after(() => hub.stop());
  let admin = '';
  const call = async (base: string, method: string, path: string, body?: unknown, headers: Record<string, string> = { authorization: `Bearer ${admin}` }) => {
    const r = await fetch(`${base}${path}`, { method, headers: { ...headers, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) }, ...(body !== undefined ? { body: JSON.stringify(body) } : {}) });
    const text = await r.text();
    return { status: r.status, json: (text ? JSON.parse(text) : undefined) as any, text };
  };
  const api = (method: string, path: string, body?: unknown) => call(hub.url, method, path, body);
  await api('POST', '/v1/setup', { orgName: 'Plant', email: 'root@plant.test', password: PASSWORD });
  admin = (await api('POST', '/v1/sessions', { email: 'root@plant.test', password: PASSWORD })).json.token;

  // A gateway under the hub link (registered with a token, heartbeats, artifact agent).
  const reg = await api('POST', '/v1/registration-tokens', {});
  const file = `${tmp.dir}/outpost.json`;
  writeFileSync(file, JSON.stringify({ gateway: {
    id: 'line-1', dataDir: `${tmp.dir}/gw`, http: { port: 0 }, mqtt: { mode: 'off' },
    hub: { url: hub.url, registrationToken: reg.json.token, hardwareId: 'serial-7' },
  } }));
  const link = await startHubLink({ load: (pushed) => loadConfig({ file, overrides: pushed ? { gateway: pushed } as never : {} }).gateway });
  t.after(() => link.stop());
  const device = link.client.deviceId!;
  const gw = (method: string, path: string, body?: unknown) => call(link.gateway()!.addresses.http, method, path, body);

  // Four hours of simulator history stored on the hub; the fault log is the label file.
  const T0 = Math.floor(Date.now() / H) * H - 8 * H;
  const sim = createSimulator({ seed: 3, devices: [{ id: 'pump-1', kind: 'pump', options: { cycleMinutes: 0 }, faults: [
    { kind: 'spike', metric: 'pressure', startMs: 2 * H, everyMs: 3 * H, durationMs: 20_000 },
    { kind: 'stuck', metric: 'pressure', startMs: 2.5 * H, everyMs: 3 * H, durationMs: 15 * MIN },
  ] }] });
  const take = (from: number, to: number) => {
    const out: Array<{ ts: number; value: number }> = [];
    for (let ts = from; ts < to; ts += STEP) out.push({ ts, value: sim.step(ts)[0]!.values.pressure as number });
    return out;
  };
  const key = (await api('POST', '/v1/api-keys', { name: 'k', scopes: ['ingest'] })).json.secret as string;
  const ingested = await call(hub.url, 'POST', '/v1/ingest', { device_external_id: 'serial-7', metrics: take(T0, T0 + 4 * H).map((p) => ({ name: 'pressure', ts: p.ts, value: p.value })) }, { 'x-api-key': key });
  assert.equal(ingested.status, 202, ingested.text);
  await waitFor(async () => (await api('GET', `/v1/ingest/batches/${ingested.json.batchId}`)).json.status === 'stored', { timeoutMs: 30_000, intervalMs: 100, what: 'history stored' });
  const labels = 'start,end\n' + sim.faultLog().map((e) => `${e.start},${e.end}`).join('\n');
  const job = await api('POST', '/v1/training-jobs', { name: 'pump-pressure', algorithm: 'ewma', devices: [device], metrics: ['pressure'], from: T0, to: T0 + 4 * H, grid: { alpha: [0.01, 0.05], zRef: [3, 5] }, labels });
  assert.equal(job.status, 202, job.text);
  const done = await waitFor(async () => { const j = (await api('GET', `/v1/training-jobs/${job.json.id}`)).json; return j.status === 'succeeded' || j.status === 'failed' ? j : undefined; }, { timeoutMs: 60_000, intervalMs: 200, what: 'training job' });
  assert.deepEqual([done.status, done.model], ['succeeded', { name: 'pump-pressure', version: 1 }], JSON.stringify(done));

  // One call deploys it; the gateway's agent installs it where its pipelines load models.
  const dep = await api('POST', '/v1/models/pump-pressure/versions/1/deploy', { devices: [device] });
  assert.equal(dep.status, 200, dep.text);
  await waitFor(async () => (await api('GET', `/v1/deployments/${dep.json.deployment.id}`)).json.state === 'completed', { timeoutMs: 30_000, intervalMs: 200, what: 'deployment completed' });
  assert.ok(existsSync(join(tmp.dir, 'gw', 'models', 'pump-pressure@1.json')));

  const pipeline = {
    schemaVersion: 1, id: 'pump-anomalies',
    nodes: [
      { id: 'in', kind: 'input', typeVersion: 1, config: { metrics: ['pressure'] } },
      { id: 'score', kind: 'model', typeVersion: 1, config: { modelId: 'pump-pressure', version: '1', outputMetric: 'anomaly_score' } },
      { id: 'db', kind: 'store', typeVersion: 1, config: { table: 'points' } },
    ],
    edges: [{ from: 'in', to: 'score' }, { from: 'score', to: 'db' }],
  };
  const saved = await gw('POST', '/v1/pipelines', { pipeline, activate: true });
  assert.equal(saved.status, 201, saved.text);

  // Live: the next two hours (a second spike and stuck period), posted to the gateway.
  const live = take(T0 + 4 * H, T0 + 6 * H);
  const faults = sim.faultLog().filter((e) => e.start >= T0 + 4 * H);
  assert.deepEqual(faults.map((e) => e.kind), ['spike', 'stuck']);
  for (let i = 0; i < live.length; i += 200) {
    const r = await gw('POST', '/v1/points', live.slice(i, i + 200).map((p) => ({ device: 'pump-1', metric: 'pressure', ts: p.ts, value: p.value })));
    assert.equal(r.status, 200, r.text);
  }
  const last = live[live.length - 1]!.ts;
  const scores = await waitFor(async () => {
    const p = (await gw('GET', `/v1/points?metric=anomaly_score&from=${T0 + 4 * H}&limit=5000`)).json.points as Array<{ ts: number; tags: Record<string, string> }>;
    return p.some((x) => x.ts === last) ? p : undefined;
  }, { timeoutMs: 30_000, intervalMs: 200, what: 'the last live sample scored on the gateway' });
  const flagged = scores.filter((p) => p.tags.anomaly === 'true');
  for (const e of faults) assert.ok(flagged.some((p) => p.ts >= e.start && p.ts <= e.end!), `${e.kind} flagged: ${flagged.map((p) => `${p.ts - T0}:${p.tags.label}`).join(' ')}`);
  const outside = flagged.filter((p) => !faults.some((e) => p.ts >= e.start && p.ts <= e.end! + 15 * MIN));
  assert.ok(outside.length <= 3, `false alarms: ${outside.map((p) => `${p.ts - T0}:${p.tags.label}`).join(' ')}`);
});
