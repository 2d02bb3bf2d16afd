import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { OnnxModel } from '@outpost/ml';
import { buildMlp } from '@outpost/ml/onnx/build';
import { waitFor } from '@outpost/testing';
// A real hub over real HTTP and a gateway linked to it, so the gateway meets the routes it meets in a fleet.
import { startLinkedGateway } from '../hub-link/linked-fixture.js';

const MODEL = buildMlp({ inputs: 1, hidden: [8], outputs: 1, seed: 31 });

test('ONNX model: upload → validated version → canary deployment to a gateway → live scoring in its pipeline and through the hub API → monitoring from both', async (t) => {
  const { api, gw, device, dir } = await startLinkedGateway(t, 'outpost-onnx-deploy-', 'serial-9');

  // Upload: validated (loads, schema from the graph, test inference) and tagged.
  const up = await api('POST', '/v1/registry/models/vib/versions?tag=production&filename=vib.onnx', MODEL);
  assert.equal(up.status, 201, up.text);
  assert.deepEqual(up.json.schema.inputs, [{ name: 'x', type: 'float32', shape: ['N', 1] }]);

  // A drift reference from training inputs; it travels to the gateway inside the deployed file.
  const sample = Array.from({ length: 200 }, (_, i) => [Math.sin(i * 0.7) * 3]);
  assert.equal((await api('PATCH', '/v1/registry/models/vib/versions/1', { referenceSample: sample })).status, 200);

  // The gateway's heartbeats carry what the compatibility checks need (free disk and memory, runtime).
  await waitFor(async () => (await api('GET', `/v1/devices/${device}`)).json.lastHeartbeat?.system?.diskFreeBytes > 0, { timeoutMs: 20_000, intervalMs: 200, what: 'a heartbeat with free-storage figures' });
  const dep = await api('POST', '/v1/registry/models/vib/versions/1/deploy', { target: { devices: [device] }, strategy: { kind: 'canary', count: 1, soakS: 0 }, healthS: 0 });
  assert.equal(dep.status, 201, dep.text);
  await waitFor(async () => (await api('GET', `/v1/deployments/${dep.json.deployment.id}`)).json.state === 'completed', { timeoutMs: 60_000, intervalMs: 200, what: 'deployment completed' });
  assert.ok(existsSync(join(dir, 'gw', 'models', 'vib@1.onnx')));

  const pipeline = {
    schemaVersion: 1, id: 'vib-score',
    nodes: [
      { id: 'in', kind: 'input', typeVersion: 1, config: { metrics: ['rms'] } },
      { id: 'm', kind: 'model', typeVersion: 1, config: { modelId: 'vib', version: '1', outputMetric: 'vib_score' } },
      { id: 'db', kind: 'store', typeVersion: 1, config: { table: 'points' } },
    ],
    edges: [{ from: 'in', to: 'm' }, { from: 'm', to: 'db' }],
  };
  assert.equal((await gw('POST', '/v1/pipelines', { pipeline, activate: true })).status, 201);
  const now = Date.now();
  const values = Array.from({ length: 20 }, (_, i) => Math.sin(i) * 3);
  assert.equal((await gw('POST', '/v1/points', values.map((v, i) => ({ device: 'pump-1', metric: 'rms', ts: now - 20_000 + i * 1000, value: v })))).status, 200);
  const scored = await waitFor(async () => { const p = (await gw('GET', `/v1/points?metric=vib_score&from=${now - 60_000}`)).json.points; return p.length === 20 ? p : undefined; }, { timeoutMs: 30_000, intervalMs: 200, what: 'gateway scores' });
  const m = await OnnxModel.load(MODEL);
  const want = (await m.run(values.map((v) => [v]))).map((r) => Math.fround(r.score));
  await m.release();
  assert.deepEqual(scored.map((p: { value: number }) => Math.fround(p.value)), want);

  // The same version through the hub's inference API.
  const inf = await api('POST', '/api/inference/vib', { inputs: values.map((v) => [v]) });
  assert.deepEqual([inf.json.version, inf.json.scores.map(Math.fround)], [1, want]);

  // Monitoring: the hub's own calls and the gateway's, shipped in its heartbeat.
  const mon = await waitFor(async () => {
    const days = (await api('GET', '/v1/registry/models/vib/monitoring?bySource=true')).json.days as Array<{ source: string; count: number; p50Ms: number | null }>;
    return days.some((d) => d.source === device && d.count === 20) && days.some((d) => d.source === 'hub') ? days : undefined;
  }, { timeoutMs: 30_000, intervalMs: 300, what: 'gateway usage in hub monitoring' });
  const fromGateway = mon.find((d) => d.source === device)!;
  assert.ok(fromGateway.p50Ms !== null && fromGateway.p50Ms > 0);
  // Drift computed on the gateway against the reference, shipped as two figures.
  const gwDay = fromGateway as unknown as { psi: number | null; driftSamples: number };
  assert.ok(gwDay.psi !== null && gwDay.psi >= 0, JSON.stringify(fromGateway));
  assert.equal(gwDay.driftSamples, 20);
  assert.equal(mon.find((d) => d.source === 'hub')!.count, 20);
});
