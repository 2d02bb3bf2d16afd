// The ML package has no model runner for the engine yet, so a small runner stands in for the host
// here: what is tested is the engine side (loading at compile time, per-batch calls, failures).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Point } from '@outpost/contract';
import { testPipeline, type ModelRunner, type PipelineDocument } from '@outpost/engine';
import { builtinOperators } from '../registry.js';

const doc: PipelineDocument = {
  schemaVersion: 1, id: 'scored',
  nodes: [
    { id: 'in', kind: 'input', typeVersion: 1 },
    { id: 'm', kind: 'model', typeVersion: 1, config: { modelId: 'zscore', version: '1', outputMetric: 'score' } },
    { id: 'st', kind: 'store', typeVersion: 1, config: { table: 'scores' } },
  ],
  edges: [{ from: 'in', to: 'm' }, { from: 'm', to: 'st' }],
};
const pts: Point[] = [1, 2, 3, 10].map((v, i) => ({ device: 'd', metric: 'kw', ts: i, value: v }));

/** Scores each point by its distance from the batch mean in standard deviations. */
const zscore: ModelRunner = {
  async load(ref) {
    if (ref.modelId !== 'zscore') throw new Error(`no model ${ref.modelId}`);
    return {
      predict(points, { outputMetric }) {
        const xs = points.map((p) => p.value as number);
        const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
        const sd = Math.sqrt(xs.reduce((a, b) => a + (b - mean) ** 2, 0) / xs.length);
        return points.map((p) => ({ device: p.device, metric: outputMetric, ts: p.ts, value: Math.round(((p.value as number) - mean) / sd * 100) / 100 }));
      },
    };
  },
};

test('a model node scores each batch through the host runner', async () => {
  const r = await testPipeline(doc, pts, { operators: builtinOperators, modelRunner: zscore });
  assert.equal(r.ok, true, JSON.stringify(r.issues));
  const out = r.outputs.st!.items as Point[];
  assert.deepEqual(out.map((p) => p.metric), ['score', 'score', 'score', 'score']);
  assert.ok((out[3]!.value as number) > 1.5 && (out[0]!.value as number) < 0);
});

test('a model that cannot be loaded fails the compile, naming the node', async () => {
  const bad = structuredClone(doc);
  bad.nodes[1]!.config = { modelId: 'missing', version: '1' };
  const r = await testPipeline(bad, pts, { operators: builtinOperators, modelRunner: zscore });
  assert.equal(r.ok, false);
  assert.equal(r.issues[0]!.nodeId, 'm');
  assert.match(r.issues[0]!.message, /cannot start: no model missing/);
});
