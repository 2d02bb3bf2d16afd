import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { faultyPump } from '@outpost/simulator';
import { waitFor } from '@outpost/testing';
// A real hub over real HTTP and a gateway linked to it, so the gateway meets the routes it meets in a fleet.
import { startLinkedGateway } from '../../hub-link/linked-fixture.js';

const MIN = 60_000;
const H = 60 * MIN;
const STEP = 10_000;

test('hub training job → model version → deploy → gateway agent installs it → the gateway pipeline flags the faults injected in live simulator data', async (t) => {
  const { api, gw, device, dir } = await startLinkedGateway(t, 'outpost-model-deploy-');

  // Four hours of simulator history stored on the hub; the fault log is the label file.
  const T0 = Math.floor(Date.now() / H) * H - 8 * H;
  const { sim, pressure: take } = faultyPump(STEP);
  const key = (await api('POST', '/v1/api-keys', { name: 'k', scopes: ['ingest'] })).json.secret as string;
  const ingested = await api('POST', '/v1/ingest', { device_external_id: 'serial-7', metrics: take(T0, T0 + 4 * H).map((p) => ({ name: 'pressure', ts: p.ts, value: p.value })) }, { 'x-api-key': key });
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
  assert.ok(existsSync(join(dir, 'gw', 'models', 'pump-pressure@1.json')));

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
