import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { makeArtifact } from '@outpost/ml';
import { waitFor } from '@outpost/testing';
import { MIN, T0, startTestGateway, testDir } from './gateway-fixture.js';

const node = (id: string, kind: string, config: Record<string, unknown> = {}) => ({ id, kind, typeVersion: 1, config });

test('script and model nodes run live on the gateway (sandbox and detectors from gateway.pipelines.modelsDir)', async (t) => {
  const dir = testDir(t);
  mkdirSync(join(dir, 'models'));
  writeFileSync(join(dir, 'models', 'spikes@1.json'), JSON.stringify(makeArtifact({ kind: 'novelty' })));
  const g = await startTestGateway(t, dir, {}, { t: T0 + 10 * MIN });
  const pipeline = {
    schemaVersion: 1, id: 'smart',
    nodes: [
      node('in', 'input', { metrics: ['temp'] }),
      node('js', 'script', { language: 'javascript', source: "function process(data) { return data.map((p) => ({ ...p, metric: 'temp_f', value: p.value * 1.8 + 32 })); }" }),
      node('score', 'model', { modelId: 'spikes', version: '1', outputMetric: 'temp_score' }),
      node('db', 'store', { table: 'points' }),
      node('db2', 'store', { table: 'points' }),
    ],
    edges: [{ from: 'in', to: 'js' }, { from: 'js', to: 'db' }, { from: 'in', to: 'score' }, { from: 'score', to: 'db2' }],
  };
  const saved = await g.call('POST', '/v1/pipelines', { pipeline, activate: true });
  assert.equal(saved.status, 201, JSON.stringify(saved.json));
  await g.post(Array.from({ length: 5 }, (_, i) => ({ device: 'd1', metric: 'temp', ts: T0 + i * 1000, value: 10 + i })));
  const f = await waitFor(async () => { const p = (await g.call('GET', '/v1/points?metric=temp_f&from=0')).json.points; return p.length === 5 ? p : undefined; }, { what: 'script outputs' });
  assert.deepEqual(f.map((p: any) => Math.round(p.value * 10) / 10), [50, 51.8, 53.6, 55.4, 57.2]);
  // The detector warms up before it scores; every output it gives is a score in [0, 1] for d1.
  const stats = await waitFor(async () => { const s = (await g.call('GET', '/v1/pipelines')).json.pipelines[0].running; return s.points === 5 ? s : undefined; }, { what: 'batch done' });
  assert.equal(stats.errors, 0);
  await g.post(Array.from({ length: 195 }, (_, i) => ({ device: 'd1', metric: 'temp', ts: T0 + (i + 5) * 1000, value: i === 190 ? 500 : 10 + (i % 7) })));
  const scores = await waitFor(async () => { const p = (await g.call('GET', '/v1/points?metric=temp_score&from=0&limit=1000')).json.points; return p.length > 0 && p.some((x: any) => x.ts === T0 + 195 * 1000) ? p : undefined; }, { what: 'model scores' });
  for (const p of scores) assert.ok(p.value >= 0 && p.value <= 1);
  const spike = scores.find((p: any) => p.ts === T0 + 195 * 1000);
  assert.equal(spike.tags.anomaly, 'true', JSON.stringify(spike));

  const missing = await g.call('POST', '/v1/pipelines', { ...pipeline, nodes: pipeline.nodes.map((n) => (n.id === 'score' ? node('score', 'model', { modelId: 'nope', version: '1' }) : n)) });
  assert.equal(missing.status, 400);
  assert.ok(missing.json.error.details.issues.some((i: any) => i.nodeId === 'score' && /no artifact file/.test(i.message)), JSON.stringify(missing.json));
  const traversal = await g.call('POST', '/v1/pipelines/test', { pipeline: { ...pipeline, nodes: pipeline.nodes.map((n) => (n.id === 'score' ? node('score', 'model', { modelId: '../gateway', version: '1' }) : n)) }, points: [] });
  assert.equal(traversal.status, 400);
  assert.match(JSON.stringify(traversal.json.error.details.issues), /modelId/);
  const badScript = await g.call('POST', '/v1/pipelines', { ...pipeline, nodes: pipeline.nodes.map((n) => (n.id === 'js' ? node('js', 'script', { language: 'javascript', source: 'function process(data) { return data.map(' }) : n)) });
  assert.equal(badScript.status, 400);
  assert.ok(badScript.json.error.details.issues.some((i: any) => i.nodeId === 'js'), JSON.stringify(badScript.json));
});
