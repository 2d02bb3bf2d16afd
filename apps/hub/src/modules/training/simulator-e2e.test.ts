// End to end on the hub: simulator history (with faults, labelled from the simulator's fault log)
// → ingest → training job (grid search) → model version → deploy (model artifact + deployment) → the deployed
// version, fetched from the hub, scores live simulator data in an engine pipeline, and the hub's
// scoring pass stores the anomalies for GET /v1/anomalies.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Point } from '@outpost/contract';
import { testPipeline, type PipelineDocument } from '@outpost/engine';
import { builtinOperators } from '@outpost/operators';
import { DetectorModelRunner } from '@outpost/ml';
import { faultyPump } from '@outpost/simulator';
import { waitFor } from '@outpost/testing';
import { hubFixture } from '../../testkit/fixture.js';
import { deployedThroughArtifacts } from './suite.js';

const MIN = 60_000;
const H = 60 * MIN;
const STEP = 10_000;
const T0 = Date.UTC(2026, 9, 1, 6);

test('a model trained on simulator history deploys and flags the faults injected in live simulator data', async (t) => {
  const f = await hubFixture(t, 'sqlite', { maxBodyBytes: 8 * 1024 * 1024 });
  assert.ok(f);
  const { token } = await f.setup();
  const reg = await f.call('POST', '/v1/registration-tokens', { token, body: {} });
  const deviceId = (await f.call('POST', '/v1/register', { body: { token: reg.json.token, hardwareId: 'pump-1' } })).json.deviceId as string;
  const key = (await f.call('POST', '/v1/api-keys', { token, body: { name: 'k', scopes: ['ingest'] } })).json.secret as string;

  const { sim, pressure: take } = faultyPump(STEP);
  const ingest = async (pts: Array<{ ts: number; value: number }>) => {
    const r = await f.call('POST', '/v1/ingest', { apiKey: key, body: { device_external_id: 'pump-1', metrics: pts.map((p) => ({ name: 'pressure', ts: p.ts, value: p.value })) } });
    assert.equal(r.status, 202, r.body);
    await waitFor(async () => (await f.call('GET', `/v1/ingest/batches/${r.json.batchId}`, { token })).json.status === 'stored', { timeoutMs: 30_000, what: 'batch stored' });
  };

  // History: four hours with one spike and one stuck period; the fault log is the label file.
  await ingest(take(T0, T0 + 4 * H));
  const history = sim.faultLog();
  const labels = 'start,end\n' + history.map((e) => `${e.start},${e.end}`).join('\n');
  const started = await f.call('POST', '/v1/training-jobs', { token, body: {
    name: 'pump-pressure', algorithm: 'ewma', devices: [deviceId], metrics: ['pressure'], from: T0, to: T0 + 4 * H,
    grid: { alpha: [0.01, 0.05], zRef: [3, 5] }, labels,
  } });
  assert.equal(started.status, 202, started.body);
  let job: any;
  await waitFor(async () => { job = (await f.call('GET', `/v1/training-jobs/${started.json.id}`, { token })).json; return job.status !== 'queued' && job.status !== 'running'; }, { timeoutMs: 60_000, what: 'job end' });
  assert.deepEqual([job.status, job.model], ['succeeded', { name: 'pump-pressure', version: 1 }], JSON.stringify(job));
  const dep = await f.call('POST', '/v1/models/pump-pressure/versions/1/deploy', { token, body: { devices: [deviceId] } });
  assert.equal(dep.status, 200, dep.body);
  await deployedThroughArtifacts(f, token, dep.json, deviceId);

  // Live: two more hours (a second spike and stuck period), scored by the deployed version.
  const live = take(T0 + 4 * H, T0 + 6 * H);
  const faults = sim.faultLog().filter((e) => e.start >= T0 + 4 * H);
  assert.deepEqual(faults.map((e) => e.kind), ['spike', 'stuck']);
  const modelRunner = new DetectorModelRunner({
    // As a gateway gets it: the deployed artifact's content.
    resolve: async ({ modelId, version }) => (await f.call('GET', `/v1/artifacts/model/${modelId}/${version}/content`, { token })).body,
  });
  const doc: PipelineDocument = {
    schemaVersion: 1, id: 'pump-anomalies',
    nodes: [
      { id: 'in', kind: 'input', typeVersion: 1 },
      { id: 'score', kind: 'model', typeVersion: 1, config: { modelId: dep.json.artifact.name, version: dep.json.artifact.version, outputMetric: 'anomaly_score' } },
      { id: 'out', kind: 'store', typeVersion: 1, config: { table: 'anomalies' } },
    ],
    edges: [{ from: 'in', to: 'score' }, { from: 'score', to: 'out' }],
  };
  // A node deployed now starts empty and warms up on the live stream, as on a gateway.
  const all: Point[] = live.map((p) => ({ device: 'pump-1', metric: 'pressure', ts: p.ts, value: p.value }));
  const r = await testPipeline(doc, all, { operators: builtinOperators, modelRunner, batchSize: 100 });
  assert.equal(r.ok, true, JSON.stringify(r.issues));
  const flagged = (r.outputs.out!.items as Point[]).filter((p) => p.tags?.anomaly === 'true');
  for (const e of faults) {
    assert.ok(flagged.some((p) => p.ts >= e.start && p.ts <= e.end!), `${e.kind} [${e.start - T0}, ${e.end! - T0}] flagged: ${flagged.map((p) => `${p.ts - T0}:${p.tags!.label}`).join(' ')}`);
  }
  const outside = flagged.filter((p) => !faults.some((e) => p.ts >= e.start && p.ts <= e.end! + 15 * MIN));
  assert.ok(outside.length <= 3, `false alarms: ${outside.map((p) => `${p.ts - T0}:${p.tags!.label}`).join(' ')}`);

  // The same live data stored on the hub and scored there (a fresh detector over the live range:
  // `stuck` only fires for a run longer than any the detector saw before) lands in GET /v1/anomalies.
  await ingest(live);
  const sc = await f.call('POST', '/v1/anomalies/score', { token, body: { model: 'pump-pressure', version: 1, device: deviceId, metric: 'pressure', from: T0 + 4 * H, to: T0 + 6 * H } });
  assert.equal(sc.status, 200, sc.body);
  const q = (await f.call('GET', `/v1/anomalies?device=${deviceId}&metric=pressure&from=${T0 + 4 * H}&to=${T0 + 6 * H}&min_score=${sc.json.threshold}`, { token })).json;
  for (const e of faults) assert.ok(q.items.some((a: any) => a.ts >= e.start && a.ts <= e.end!), `${e.kind} in GET /v1/anomalies`);
});
