import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseLabelCsv, trainDetector } from '@outpost/ml';
import { faultyPump } from '@outpost/simulator';
import { waitFor } from '@outpost/testing';
import { MIN, T0, startTestGateway, testDir } from '../../pipelines/gateway-fixture.js';
import type { StagedArtifact } from '../types.js';
import { modelInstaller } from './model.js';

const H = 60 * MIN;
const STEP = 10_000;
const node = (id: string, kind: string, config: Record<string, unknown> = {}) => ({ id, kind, typeVersion: 1, config });

test('model installer: a trained detector deployed to a gateway scores live simulator data in its pipeline and flags the injected faults; a bad artifact changes nothing', async (t) => {
  const dir = testDir(t);
  const { sim, pressure: take } = faultyPump(STEP);
  // What a hub training job does with four hours of history and the fault log as labels.
  const history = take(T0, T0 + 4 * H);
  const labels = parseLabelCsv('start,end\n' + sim.faultLog().map((e) => `${e.start},${e.end}`).join('\n'));
  const { artifact } = await trainDetector({ kind: 'ewma', ts: history.map((p) => p.ts), values: history.map((p) => p.value), grid: { alpha: [0.01, 0.05], zRef: [3, 5] }, labels });

  const g = await startTestGateway(t, dir, {}, { t: T0 + 7 * H });
  const installer = modelInstaller({ dataDir: dir, pipelines: () => g.gw.pipelines });
  const staged = (version: string, content: string): StagedArtifact => {
    const file = join(dir, `staged-${version}`);
    writeFileSync(file, content);
    return { kind: 'model', name: 'pump-pressure', version, sha256: 'x'.repeat(64), file };
  };
  const bad = staged('2', JSON.stringify({ ...artifact, threshold: 'high' }));
  await assert.rejects(installer.stage!(bad), (e: Error & { code?: string }) => e.code === 'ERR_ML_ARTIFACT_INVALID' && /threshold/.test(e.message));
  assert.equal(existsSync(join(dir, 'models', 'pump-pressure@2.json')), false);

  const v1 = staged('1', JSON.stringify(artifact));
  await installer.stage!(v1);
  await installer.activate(v1);
  assert.ok(existsSync(join(g.gw.pipelines!.models.dir, 'pump-pressure@1.json')));

  const pipeline = {
    schemaVersion: 1, id: 'pump-anomalies',
    nodes: [node('in', 'input', { metrics: ['pressure'] }), node('score', 'model', { modelId: 'pump-pressure', version: '1', outputMetric: 'anomaly_score' }), node('db', 'store', { table: 'points' })],
    edges: [{ from: 'in', to: 'score' }, { from: 'score', to: 'db' }],
  };
  const saved = await g.call('POST', '/v1/pipelines', { pipeline, activate: true });
  assert.equal(saved.status, 201, JSON.stringify(saved.json));

  // Live: two more hours (a second spike and stuck period), posted as a device would.
  const live = take(T0 + 4 * H, T0 + 6 * H);
  const faults = sim.faultLog().filter((e) => e.start >= T0 + 4 * H);
  assert.deepEqual(faults.map((e) => e.kind), ['spike', 'stuck']);
  for (let i = 0; i < live.length; i += 100) await g.post(live.slice(i, i + 100).map((p) => ({ device: 'pump-1', metric: 'pressure', ts: p.ts, value: p.value })));
  const last = live[live.length - 1]!.ts;
  const scores = await waitFor(async () => {
    const p = (await g.call('GET', `/v1/points?metric=anomaly_score&from=${T0 + 4 * H}&limit=5000`)).json.points as Array<{ ts: number; value: number; tags: Record<string, string> }>;
    return p.some((x) => x.ts === last) ? p : undefined;
  }, { timeoutMs: 30_000, intervalMs: 100, what: 'the last live sample scored' });
  const flagged = scores.filter((p) => p.tags.anomaly === 'true');
  for (const e of faults) {
    assert.ok(flagged.some((p) => p.ts >= e.start && p.ts <= e.end!), `${e.kind} [${e.start - T0}, ${e.end! - T0}] flagged: ${flagged.map((p) => `${p.ts - T0}:${p.tags.label}`).join(' ')}`);
  }
  const outside = flagged.filter((p) => !faults.some((e) => p.ts >= e.start && p.ts <= e.end! + 15 * MIN));
  assert.ok(outside.length <= 3, `false alarms: ${outside.map((p) => `${p.ts - T0}:${p.tags.label}`).join(' ')}`);

  await installer.remove!('model', 'pump-pressure');
  assert.equal(existsSync(join(g.gw.pipelines!.models.dir, 'pump-pressure@1.json')), false);
});
