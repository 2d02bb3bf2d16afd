import type { TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { buildMlp } from '@outpost/ml/onnx/build';
import { LatencyHistogram } from '@outpost/ml';
import { waitFor } from '@outpost/testing';
import type { Adapter } from '../../testkit/fixture.js';
import { upload, world } from './suite.js';

const MLP = buildMlp({ inputs: 2, hidden: [4], outputs: 1, activation: 'none', seed: 5 });
/** Deterministic rows around `mean` (two features). */
const sample = (n: number, mean: number) => Array.from({ length: n }, (_, i) => [mean + Math.sin(i * 1.7) , (i % 10) / 10]);

/** Monitoring on the hub: usage from the inference API and from gateway heartbeats, drift, ground truth, CSV. */
export async function monitoringSuite(t: TestContext, adapter: Adapter): Promise<void> {
  await t.test('count, errors, latency percentiles and input drift per version and day; CSV export', async (t) => {
    const w = await world(t, adapter);
    if (!w) return;
    const { f, token, key } = w;
    await upload(f, token, 'vib', MLP);
    const patch = await f.call('PATCH', '/v1/registry/models/vib/versions/1', { token, body: { referenceSample: sample(500, 0), features: ['rms', 'temp'] } });
    assert.equal(patch.status, 200, patch.body);
    assert.equal(patch.json.meta.reference.features.length, 2);
    assertBad(await f.call('PATCH', '/v1/registry/models/vib/versions/1', { token, body: { referenceSample: sample(20, 0).map((r) => [...r, 1]) } }), /rows must have 2 values/);
    for (let i = 0; i < 5; i++) assert.equal((await f.call('POST', '/api/inference/vib', { apiKey: key, body: { inputs: sample(100, 3) } })).status, 200);
    assert.equal((await f.call('POST', '/api/inference/vib', { apiKey: key, body: { inputs: [[1]] } })).status, 400);
    const m = await f.call('GET', '/v1/registry/models/vib/monitoring', { token });
    assert.equal(m.status, 200, m.body);
    const [day] = m.json.days;
    assert.equal(m.json.days.length, 1);
    assert.deepEqual([day.version, day.day, day.source, day.count, day.errors, day.errorRate], ['1', new Date(f.clock.now).toISOString().slice(0, 10), 'all', 500, 1, 1 / 6]);
    assert.ok(day.p50Ms > 0 && day.p50Ms <= day.p95Ms && day.p95Ms <= day.p99Ms);
    assert.ok(day.psi > 1 && day.kl > 1, `shifted inputs: psi ${day.psi} kl ${day.kl}`);
    const csv = await f.call('GET', '/v1/registry/models/vib/monitoring?format=csv', { token });
    const lines = csv.body.trim().split('\n');
    assert.equal(lines[0], 'day,name,version,source,count,errors,errorRate,p50Ms,p95Ms,p99Ms,psi,kl,driftSamples,accuracy');
    assert.match(lines[1]!, new RegExp(`^${day.day},vib,1,all,500,1,`));
    assertBad(await f.call('GET', '/v1/registry/models/vib/monitoring?from=10&to=5', { token }), /from \(10\) must be before to \(5\)/);
    assert.equal((await f.call('GET', '/v1/registry/models/nope/monitoring', { token })).status, 404);
  });

  await t.test('ground truth: predictions made with ids, labels posted later, accuracy per version', async (t) => {
    const w = await world(t, adapter);
    if (!w) return;
    const { f, token, key } = w;
    await upload(f, token, 'cls', buildMlp({ inputs: 2, hidden: [4], outputs: 3, seed: 9 }));
    const inputs = sample(10, 0);
    const r = await f.call('POST', '/api/inference/cls', { apiKey: key, body: { inputs, ids: inputs.map((_, i) => `row-${i}`) } });
    assert.equal(r.status, 200, r.body);
    const preds = r.json.predictions as number[];
    // Label 7 of 10 with the predicted class, 3 with another one.
    const labels = preds.map((p, i) => ({ id: `row-${i}`, label: i < 7 ? p : (p + 1) % 3 }));
    const g = await f.call('POST', '/v1/registry/models/cls/ground-truth', { token, body: { labels: [...labels, { id: 'never-predicted', label: 1 }] } });
    assert.deepEqual(g.json, { matched: 10, unknown: ['never-predicted'] });
    const m = await f.call('GET', '/v1/registry/models/cls/monitoring', { token });
    assert.deepEqual(m.json.accuracy.map((a: any) => [a.version, a.labelled, a.accuracy]), [[1, 10, 0.7]]);
    // The same per day of the prediction, for the dashboard's history chart.
    assert.deepEqual(m.json.accuracyByDay.map((a: any) => [a.day, a.version, a.labelled, a.accuracy]), [[new Date(f.clock.now).toISOString().slice(0, 10), 1, 10, 0.7]]);
    // A second version scored on the same inputs: the comparison puts both side by side.
    await upload(f, token, 'cls', buildMlp({ inputs: 2, hidden: [4], outputs: 3, seed: 10 }));
    assert.equal((await f.call('POST', '/api/inference/cls?version=2', { apiKey: key, body: { inputs, ids: inputs.map((_, i) => `v2-${i}`) } })).status, 200);
    const c = await f.call('GET', '/v1/registry/models/cls/compare?a=1&b=2', { token });
    assert.equal(c.status, 200, c.body);
    assert.deepEqual([c.json.a.usage.count, c.json.b.usage.count, c.json.a.accuracy.accuracy, c.json.b.accuracy], [10, 10, 0.7, null]);
    assert.ok(c.json.a.usage.p50Ms > 0 && c.json.b.usage.p99Ms > 0);
    assertBad(await f.call('GET', '/v1/registry/models/cls/compare?a=1', { token }), /b/);
    assert.equal((await f.call('GET', '/v1/registry/models/cls/compare?a=1&b=9', { token })).status, 404);
  });

  await t.test('gateways ship usage and drift in their heartbeat; monitoring shows hub and each gateway', async (t) => {
    const w = await world(t, adapter);
    if (!w) return;
    const { f, token, key } = w;
    await upload(f, token, 'vib', MLP);
    await f.call('POST', '/api/inference/vib', { apiKey: key, body: { inputs: sample(4, 0) } });
    const reg = await f.call('POST', '/v1/registration-tokens', { token, body: {} });
    const dev = await f.call('POST', '/v1/register', { body: { token: reg.json.token, hardwareId: 'gw-1' } });
    assert.equal(dev.status, 201, dev.body);
    const rules = await f.call('PUT', '/v1/alert-rules', { token, body: { rules: [{ id: 'vib-drift', kind: 'model', stat: 'psi', above: 0.25, model: 'vib', location: 'cloud' }] } });
    assert.ok(rules.status < 300, rules.body);
    const hist = new LatencyHistogram();
    for (let i = 1; i <= 100; i++) hist.record(i / 10);
    const report = { model: 'vib', version: '1', count: 6400, errors: 2, latency: hist.buckets, drift: { psi: 0.4, kl: 0.3, samples: 6400 }, from: f.clock.now - 30_000, to: f.clock.now };
    const hb = await f.call('POST', '/v1/heartbeat', { token: dev.json.deviceToken.token, body: { status: 'online', models: [report] } });
    assert.equal(hb.status, 200, hb.body);
    const bad = await f.call('POST', '/v1/heartbeat', { token: dev.json.deviceToken.token, body: { status: 'online', models: [{ ...report, count: -1 }] } });
    assert.equal(bad.status, 400);
    const m = await f.call('GET', '/v1/registry/models/vib/monitoring?bySource=true', { token });
    const gw = m.json.days.find((d: any) => d.source === dev.json.deviceId);
    assert.deepEqual([gw.count, gw.errors, gw.psi, gw.kl, gw.driftSamples], [6400, 2, 0.4, 0.3, 6400]);
    assert.ok(Math.abs(gw.p50Ms - 5) / 5 < 0.1 && Math.abs(gw.p99Ms - 9.9) / 9.9 < 0.1, JSON.stringify(gw));
    assert.equal(m.json.days.find((d: any) => d.source === 'hub').count, 4);
    // The drift figure reached the cloud rule as a `model.psi` point of the gateway.
    const alerts = await waitFor(async () => { const a = (await f.call('GET', '/v1/alerts?state=open&source=cloud', { token })).json.items; return a.length ? a : undefined; }, { what: 'a model drift alert' });
    assert.equal(alerts.length, 1);
    assert.equal(alerts[0].deviceId ?? alerts[0].device, dev.json.deviceId);
    assert.match(JSON.stringify(alerts[0]), /vib-drift/);
    assert.match(JSON.stringify(alerts[0]), /psi 0\.400/);
  });
}

function assertBad(r: { status: number; json: any; body: string }, message: RegExp): void {
  assert.equal(r.status, 400, r.body);
  assert.match(r.json.error.message, message);
}
