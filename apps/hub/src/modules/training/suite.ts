import type { TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { waitFor } from '@outpost/testing';
import { makeArtifact } from '@outpost/ml';
import { assertError, hubFixture, type Adapter, type Fixture } from '../../testkit/fixture.js';

export const MIN = 60_000;
const BASE = Date.UTC(2026, 9, 1, 0, 0, 0);
/** Indices of injected spikes in the training series (labelled in the CSV below). */
const SPIKES = [1500, 3200, 4700];

/** A deterministic noisy daily-ish signal with three spikes. */
function series(n: number, spikes: readonly number[] = SPIKES): number[] {
  let s = 42;
  const rnd = () => ((s = (s * 1103515245 + 12345) % 2 ** 31) / 2 ** 31) - 0.5;
  return Array.from({ length: n }, (_, i) => 50 + 5 * Math.sin((2 * Math.PI * i) / 1440) + rnd() + (spikes.includes(i) ? 25 : 0));
}
const labelsCsv = 'start,end\n' + SPIKES.map((i) => `${new Date(BASE + (i - 5) * MIN).toISOString()},${new Date(BASE + (i + 5) * MIN).toISOString()}`).join('\n');

export async function ingest(f: Fixture, key: string, hardwareId: string, metric: string, values: readonly number[], start = BASE): Promise<void> {
  for (let off = 0; off < values.length; off += 10_000) {
    const metrics = values.slice(off, off + 10_000).map((v, i) => ({ name: metric, ts: start + (off + i) * MIN, value: v }));
    const r = await f.call('POST', '/v1/ingest', { apiKey: key, body: { device_external_id: hardwareId, metrics } });
    assert.equal(r.status, 202, r.body);
    await waitFor(async () => (await f.call('GET', `/v1/ingest/batches/${r.json.batchId}`, { apiKey: key })).json.status === 'stored', { timeoutMs: 30_000, what: 'ingest batch stored' });
  }
}

async function world(t: TestContext, adapter: Adapter) {
  const f = await hubFixture(t, adapter, { maxBodyBytes: 8 * 1024 * 1024 });
  if (!f) return undefined;
  const { token } = await f.setup();
  const type = (await f.call('POST', '/v1/device-types', { token, body: { name: 'pump', metrics: [] } })).json as { id: string };
  const reg = await f.call('POST', '/v1/registration-tokens', { token, body: { deviceTypeId: type.id } });
  const dev = await f.call('POST', '/v1/register', { body: { token: reg.json.token, hardwareId: 'pump-1' } });
  assert.equal(dev.status, 201, dev.body);
  const key = (await f.call('POST', '/v1/api-keys', { token, body: { name: 'k', scopes: ['ingest', 'read', 'write'] } })).json.secret as string;
  return { f, token, key, typeId: type.id, deviceId: dev.json.deviceId as string };
}

const job = (w: { deviceId: string }, extra: Record<string, unknown> = {}) => ({ name: 'flow-z', algorithm: 'zscore', devices: [w.deviceId], metrics: ['flow'], from: BASE, to: BASE + 6000 * MIN, ...extra });

async function finished(f: Fixture, token: string, id: string) {
  let last: any;
  await waitFor(async () => {
    last = (await f.call('GET', `/v1/training-jobs/${id}`, { token })).json;
    return ['succeeded', 'failed', 'cancelled'].includes(last.status);
  }, { timeoutMs: 60_000, what: `training job ${id} to end` });
  return last;
}

/**
 * A deploy answer's deployment runs the model version's signed `model` artifact, whose content is
 * the version's artifact, towards the device; no assignment is made (one mechanism).
 */
export async function deployedThroughArtifacts(f: Fixture, token: string, dep: { model: { name: string; version: number }; deployment: { id: string } }, deviceId: string): Promise<void> {
  const { name, version } = dep.model;
  const rollout = await f.call('GET', `/v1/deployments/${dep.deployment.id}`, { token });
  assert.equal(rollout.status, 200, rollout.body);
  assert.deepEqual([rollout.json.artifactKind, rollout.json.artifactName, rollout.json.version, rollout.json.state], ['model', name, String(version), 'running']);
  const devices = (await f.call('GET', `/v1/deployments/${dep.deployment.id}/devices`, { token })).json.items;
  assert.deepEqual(devices.map((d: any) => [d.deviceId, d.version]), [[deviceId, String(version)]]);
  const content = await f.call('GET', `/v1/artifacts/model/${name}/${version}/content`, { token });
  assert.equal(content.status, 200, content.body);
  assert.deepEqual(JSON.parse(content.body), (await f.call('GET', `/v1/models/${name}/versions/${version}`, { token })).json.artifact);
  assert.deepEqual((await f.call('GET', `/v1/devices/${deviceId}/deployments`, { token })).json.items, []);
}

/** Training jobs, model versions, deployment and anomaly scores against a real hub on the given store. */
export async function trainingSuite(t: TestContext, adapter: Adapter): Promise<void> {
  await t.test('bad input: unknown algorithm, empty range, one value, oversized grid, bad artifact — each refused, nothing stored', async (t) => {
    const w = await world(t, adapter);
    if (!w) return;
    const { f, token, key } = w;
    await ingest(f, key, 'pump-1', 'flow', [7]);
    assertError(await f.call('POST', '/v1/training-jobs', { token, body: job(w, { algorithm: 'magic' }) }), 400, 'ERR_ML_SPEC_INVALID');
    const empty = await f.call('POST', '/v1/training-jobs', { token, body: job(w, { from: BASE + MIN, to: BASE + 2 * MIN }) });
    assertError(empty, 400, 'ERR_ML_TRAINING_DATA');
    assert.match(empty.json.error.message, /holds 0 stored values/);
    const one = await f.call('POST', '/v1/training-jobs', { token, body: job(w) });
    assertError(one, 400, 'ERR_ML_TRAINING_DATA');
    assert.match(one.json.error.message, /holds 1 stored value .*flow: 1.*at least 2/);
    assertError(await f.call('POST', '/v1/training-jobs', { token, body: job(w, { from: BASE + MIN, to: BASE }) }), 400, 'ERR_ML_TRAINING_DATA');
    const grid = { zRef: Array.from({ length: 30 }, (_, i) => 1 + i / 10), window: Array.from({ length: 30 }, (_, i) => 10 + i) };
    const big = await f.call('POST', '/v1/training-jobs/estimate', { token, body: job(w, { grid, labels: labelsCsv }) });
    assertError(big, 400, 'ERR_ML_GRID_TOO_LARGE');
    assert.equal(big.json.error.details.combinations, 900);
    assertError(await f.call('POST', '/v1/training-jobs', { token, body: job(w, { grid, labels: labelsCsv }) }), 400, 'ERR_ML_GRID_TOO_LARGE');
    const badArtifact = await f.call('POST', '/v1/models/hand/versions', { token, body: { ...makeArtifact({ kind: 'zscore' }), version: 9, threshold: 'high' } });
    assertError(badArtifact, 400, 'ERR_ML_ARTIFACT_INVALID');
    assert.deepEqual((await f.call('GET', '/v1/training-jobs', { token })).json.items, []);
    assert.deepEqual((await f.call('GET', '/v1/models', { token })).json.items, []);
    assertError(await f.call('GET', `/v1/anomalies?device=${w.deviceId}&min_score=2`, { token }), 400, 'ERR_HUB_INVALID');
    assertError(await f.call('GET', `/v1/anomalies?device=${w.deviceId}&from=${BASE + MIN}&to=${BASE}`, { token }), 400, 'ERR_QUERY_INVALID');
    assertError(await f.call('GET', '/v1/anomalies?device=nope', { token }), 404, 'ERR_HUB_NOT_FOUND');
    assertError(await f.call('POST', '/v1/anomalies/score', { token, body: { model: 'none', version: 1, device: w.deviceId, metric: 'flow', from: BASE, to: BASE + MIN } }), 404, 'ERR_HUB_NOT_FOUND');
    assertError(await f.call('POST', '/v1/training-jobs', { token, body: job(w, { deviceType: w.typeId }) }), 400, 'ERR_HUB_INVALID');
    const good = await f.call('POST', '/v1/models/hand/versions', { token, body: makeArtifact({ kind: 'ewma' }) });
    assert.equal(good.status, 201, good.body);
    assert.deepEqual([good.json.name, good.json.version, good.json.kind], ['hand', 1, 'ewma']);
  });

  await t.test('a grid-search job: estimate first, progress, a new model version with metrics, deploy, scores stored and queryable per tenant', async (t) => {
    const w = await world(t, adapter);
    if (!w) return;
    const { f, token, key, deviceId } = w;
    await ingest(f, key, 'pump-1', 'flow', series(6000));
    const body = job(w, { grid: { zRef: [2, 3, 4], window: [100, 500] }, labels: labelsCsv });
    const est = await f.call('POST', '/v1/training-jobs/estimate', { token, body });
    assert.equal(est.status, 200, est.body);
    assert.deepEqual([est.json.estimate.combinations, est.json.estimate.points], [6, 6000]);
    assert.ok(est.json.estimate.estimatedSeconds > 0);
    const started = await f.call('POST', '/v1/training-jobs', { token, body });
    assert.equal(started.status, 202, started.body);
    assert.deepEqual([started.json.status, started.json.estimate.combinations], ['queued', 6]);
    const done = await finished(f, token, started.json.id);
    assert.equal(done.status, 'succeeded', JSON.stringify(done));
    assert.deepEqual([done.progress.percent, done.progress.stage, done.model], [100, 'done', { name: 'flow-z', version: 1 }]);
    const m = await f.call('GET', '/v1/models/flow-z/versions/1', { token });
    assert.equal(m.status, 200, m.body);
    assert.equal(m.json.artifact.format, 'outpost.anomaly-model');
    assert.equal(m.json.jobId, started.json.id);
    assert.ok(m.json.metrics.nabStandard > 0 && m.json.metrics.recall > 0, JSON.stringify(m.json.metrics));

    // A second run of the same name is the next version.
    const again = await finished(f, token, (await f.call('POST', '/v1/training-jobs', { token, body: job(w, { params: { zRef: 4 } }) })).json.id);
    assert.deepEqual([again.status, again.model], ['succeeded', { name: 'flow-z', version: 2 }]);

    assertError(await f.call('POST', '/v1/models/flow-z/versions/7/deploy', { token, body: { devices: [deviceId] } }), 404, 'ERR_HUB_NOT_FOUND');
    const dep = await f.call('POST', '/v1/models/flow-z/versions/1/deploy', { token, body: { devices: [deviceId] } });
    assert.equal(dep.status, 200, dep.body);
    assert.deepEqual([dep.json.artifact.kind, dep.json.artifact.name, dep.json.artifact.version, dep.json.deployment.state, dep.json.hubScoring], ['model', 'flow-z', '1', 'running', { metrics: ['flow'] }]);
    await deployedThroughArtifacts(f, token, dep.json, deviceId);
    // The rollout is still running (the device has not reported): a second deploy of the model waits for it.
    assertError(await f.call('POST', '/v1/models/flow-z/versions/2/deploy', { token, body: { devices: [deviceId] } }), 409, 'ERR_DEPLOYMENT_STATE');

    // Scoring pass: the spikes come back as anomalies; the healthy stretch does not.
    const fresh = series(1000, [600]);
    await ingest(f, key, 'pump-1', 'flow', fresh, BASE + 6000 * MIN);
    const sc = await f.call('POST', '/v1/anomalies/score', { token, body: { model: 'flow-z', version: 1, device: deviceId, metric: 'flow', from: BASE, to: BASE + 7000 * MIN } });
    assert.equal(sc.status, 200, sc.body);
    assert.ok(sc.json.stored > 6500 && sc.json.points === 7000, sc.body);
    const q = await f.call('GET', `/v1/anomalies?device=${deviceId}&metric=flow&from=${BASE + 6000 * MIN}&to=${BASE + 7000 * MIN}&min_score=${m.json.artifact.threshold}`, { token });
    assert.equal(q.status, 200, q.body);
    assert.deepEqual(q.json.items.map((a: any) => [a.ts, a.label]), [[BASE + 6600 * MIN, 'spike']]);
    assert.equal(q.json.items[0].model, 'flow-z@1');

    // A pipeline run on the hub scores with the stored model version (model node → model name, version).
    const pipeline = {
      schemaVersion: 1, id: 'flow-anomalies',
      nodes: [
        { id: 'in', kind: 'input', typeVersion: 1 },
        { id: 'score', kind: 'model', typeVersion: 1, config: { modelId: 'flow-z', version: '1', outputMetric: 'anomaly_score' } },
        { id: 'out', kind: 'store', typeVersion: 1, config: { table: 'anomalies' } },
      ],
      edges: [{ from: 'in', to: 'score' }, { from: 'score', to: 'out' }],
    };
    const pt = await f.call('POST', '/v1/pipelines/test', { token, body: { pipeline, replay: { device: deviceId, metric: 'flow', from: BASE, to: BASE + 7000 * MIN } } });
    assert.equal(pt.status, 200, pt.body.slice(0, 500));
    const flagged = pt.json.result.outputs.out.items.filter((p: any) => p.tags.anomaly === 'true').map((p: any) => p.ts);
    assert.deepEqual(flagged, [...SPIKES, 6600].map((i) => BASE + i * MIN));
    const missing = await f.call('POST', '/v1/pipelines/test', { token, body: { pipeline: { ...pipeline, nodes: pipeline.nodes.map((n) => n.id === 'score' ? { ...n, config: { ...n.config, version: '9' } } : n) }, points: [] } });
    assertError(missing, 400, 'ERR_PIPELINE_INVALID');
    assert.match(missing.body, /model flow-z version 9 not found/);

    // Scores that arrive as points named anomaly_score.<metric> are anomalies too.
    await ingest(f, key, 'pump-1', 'anomaly_score.flow', [0.1, 0.95], BASE + 9000 * MIN);
    const ing = await f.call('GET', `/v1/anomalies?device=${deviceId}&metric=flow&from=${BASE + 9000 * MIN}&to=${BASE + 9100 * MIN}&min_score=0.5`, { token });
    assert.deepEqual(ing.json.items.map((a: any) => [a.ts, a.score, a.source]), [[BASE + 9001 * MIN, 0.95, 'ingest']]);

    // Another organisation sees none of it.
    const other = await f.org('Other');
    assertError(await f.call('GET', `/v1/anomalies?device=${deviceId}&metric=flow&from=${BASE}&to=${BASE + 8000 * MIN}`, { token: other.token }), 404, 'ERR_HUB_NOT_FOUND');
    assert.deepEqual((await f.call('GET', `/v1/anomalies?from=${BASE}&to=${BASE + 10_000 * MIN}&min_score=0`, { token: other.token })).json.items, []);
    assertError(await f.call('GET', `/v1/training-jobs/${started.json.id}`, { token: other.token }), 404, 'ERR_HUB_NOT_FOUND');
    assertError(await f.call('GET', '/v1/models/flow-z/versions/1', { token: other.token }), 404, 'ERR_HUB_NOT_FOUND');
  });

  await t.test('a job cancelled midway ends cancelled and stores no model version', async (t) => {
    const w = await world(t, adapter);
    if (!w) return;
    const { f, token, key, typeId } = w;
    await ingest(f, key, 'pump-1', 'flow', series(20_000, [5000, 12_000, 18_000]));
    const labels = 'start,end\n' + [5000, 12_000, 18_000].map((i) => `${BASE + (i - 5) * MIN},${BASE + (i + 5) * MIN}`).join('\n');
    const grid = { history: [1000, 2000, 3000, 4000, 5000], recentHistory: [300, 500, 700, 1000] };
    const started = await f.call('POST', '/v1/training-jobs', { token, body: { name: 'slow', algorithm: 'novelty', deviceType: typeId, metrics: ['flow'], from: BASE, to: BASE + 20_000 * MIN, grid, labels } });
    assert.equal(started.status, 202, started.body);
    let seen: any;
    await waitFor(async () => {
      seen = (await f.call('GET', `/v1/training-jobs/${started.json.id}`, { token })).json;
      return seen.status === 'running' && seen.progress.percent > 0;
    }, { timeoutMs: 30_000, what: 'job running with progress' });
    assert.equal(seen.progress.stage, 'searching');
    assert.ok(seen.progress.percent < 100 && seen.progress.etaSeconds > 0, JSON.stringify(seen.progress));
    const c = await f.call('POST', `/v1/training-jobs/${started.json.id}/cancel`, { token });
    assert.equal(c.status, 202, c.body);
    const end = await finished(f, token, started.json.id);
    assert.deepEqual([end.status, end.model], ['cancelled', null]);
    assert.deepEqual((await f.call('GET', '/v1/models', { token })).json.items, []);
    assertError(await f.call('POST', `/v1/training-jobs/${started.json.id}/cancel`, { token }), 409, 'ERR_HUB_CONFLICT');
  });
}
