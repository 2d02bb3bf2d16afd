import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { waitFor } from '@outpost/testing';
import { MIN, T0, startTestGateway, testDir } from '../../pipelines/gateway-fixture.js';
import type { StagedArtifact } from '../types.js';
import { pipelineInstaller } from './pipeline.js';

const node = (id: string, kind: string, config: Record<string, unknown>) => ({ id, kind, typeVersion: 1, config });
/** temp → a derived metric stored back (one expression per version, so the versions differ in output). */
const derive = (expression: string) => ({
  schemaVersion: 1, id: 'convert',
  nodes: [node('in', 'input', { metrics: ['temp'] }), node('calc', 'transform', { ops: [{ op: 'derive', metric: 'temp_f', expression }] }), node('keep', 'filter', { expression: "metric == 'temp_f'" }), node('db', 'store', { table: 'points' })],
  edges: [{ from: 'in', to: 'calc' }, { from: 'calc', to: 'keep' }, { from: 'keep', to: 'db' }],
});

test('pipeline installer (#4 on the gateway): a deployed version is compiled before anything changes, activated live, health-checked, and the previous one re-activated on rollback', async (t) => {
  const dir = testDir(t);
  const g = await startTestGateway(t, dir, {}, { t: T0 + 10 * MIN });
  const installer = pipelineInstaller(() => g.gw.pipelines, async () => undefined);
  const staged = (version: string, doc: unknown): StagedArtifact => {
    const file = join(dir, `convert-${version}.json`);
    writeFileSync(file, JSON.stringify(doc));
    return { kind: 'pipeline', name: 'convert', version, sha256: 'x'.repeat(64), file };
  };
  const v1 = staged('1', derive('value * 1.8 + 32'));
  await installer.stage!(v1);
  await installer.activate(v1);
  assert.deepEqual(await installer.health!(v1, 0), { errorRate: 0 });
  assert.equal(g.gw.pipelines!.stats().active.convert?.version, 1);
  await g.post([{ device: 'press-1', metric: 'temp', ts: T0, value: 100 }]);
  await waitFor(async () => (await g.call('GET', '/v1/points?metric=temp_f&from=0&limit=10')).json.points.length === 1);
  assert.equal((await g.call('GET', '/v1/points?metric=temp_f&from=0&limit=10')).json.points[0].value, 212);

  // A version that does not compile is refused at stage: version 1 keeps running.
  const broken = staged('2', derive('value * * 2'));
  await assert.rejects(installer.stage!(broken), /calc/);
  assert.equal(g.gw.pipelines!.stats().active.convert?.version, 1);

  // Version 3 goes live (hot swap); the agent's rollback re-activates version 1's document.
  const v3 = staged('3', derive('value + 1000'));
  await installer.stage!(v3);
  await installer.activate(v3);
  const v3local = g.gw.pipelines!.stats().active.convert?.version;
  assert.ok(v3local !== undefined && v3local > 1);
  await installer.activate(v1);
  assert.equal(g.gw.pipelines!.stats().active.convert?.version, 1, 'rollback re-points to the earlier local version');
  await g.post([{ device: 'press-1', metric: 'temp', ts: T0 + MIN, value: 0 }]);
  await waitFor(async () => (await g.call('GET', '/v1/points?metric=temp_f&from=0&limit=10')).json.points.length === 2);
  assert.deepEqual((await g.call('GET', '/v1/points?metric=temp_f&from=0&limit=10')).json.points.map((p: { value: number }) => p.value).sort((a: number, b: number) => a - b), [32, 212]);
  await installer.remove!('pipeline', 'convert');
  assert.equal(g.gw.pipelines!.stats().active.convert, undefined);
});
