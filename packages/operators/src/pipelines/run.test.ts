import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Point } from '@outpost/contract';
import { diffPipelines, LivePipeline, TRACE_FORMAT, testPipeline, type PipelineDocument, type Rollup } from '@outpost/engine';
import { builtinOperators } from '../registry.js';

const doc = (threshold = 50): PipelineDocument => ({
  schemaVersion: 1, id: 'line3',
  nodes: [
    { id: 'in', kind: 'input', typeVersion: 1, config: { metrics: ['temp'] } },
    { id: 'hot', kind: 'filter', typeVersion: 1, config: { expression: `100 / value > 0 && value > ${threshold}` } },
    { id: 'f', kind: 'transform', typeVersion: 1, config: { ops: [{ op: 'convert', from: 'degC', to: 'K' }] } },
    { id: 'agg', kind: 'aggregate', typeVersion: 1, config: { window: { type: 'tumbling', size: '1m' }, functions: ['max'] } },
    { id: 'st', kind: 'store', typeVersion: 1, config: { table: 'rollups' } },
    { id: 'up', kind: 'outbox', typeVersion: 1, config: { priority: 'high' } },
  ],
  edges: [
    { from: 'in', to: 'hot' }, { from: 'hot', to: 'f' }, { from: 'f', to: 'agg' },
    { from: 'agg', fromPort: 'rollup', to: 'st' }, { from: 'agg', to: 'up' },
  ],
});
const series: Point[] = [
  { device: 'd1', metric: 'temp', ts: 0, value: 40, unit: 'degC' },
  { device: 'd1', metric: 'temp', ts: 10_000, value: 60, unit: 'degC' },
  { device: 'd1', metric: 'temp', ts: 20_000, value: 0, unit: 'degC' },
  { device: 'd1', metric: 'temp', ts: 30_000, value: 55, unit: 'degC' },
  { device: 'd1', metric: 'rpm', ts: 30_000, value: 900 },
  { device: 'd1', metric: 'temp', ts: 70_000, value: 70, unit: 'degC' },
];

test('testPipeline returns what each output received and a per-node trace with errors and their points', async () => {
  const r = await testPipeline(doc(), series, { operators: builtinOperators });
  assert.equal(r.ok, true);
  const rows = r.outputs.st!.items as Rollup[];
  assert.deepEqual(rows.map((x) => [x.start, x.count, x.max]), [[0, 2, 60 + 273.15], [60_000, 1, 70 + 273.15]]);
  assert.deepEqual(r.outputs.up!.targets, ['high']);
  assert.equal(r.errors.length, 1);
  assert.equal(r.errors[0]!.nodeId, 'hot');
  assert.deepEqual(r.errors[0]!.item, series[2]);
  assert.match(r.errors[0]!.message, /division by zero at position 5/);

  const t = r.trace!;
  assert.equal(t.format, TRACE_FORMAT);
  assert.equal(t.points, 6);
  const node = (id: string) => t.nodes.find((n) => n.id === id)!;
  assert.equal(node('in').out.out!.count, 5);
  assert.equal(node('hot').in.in!.count, 5);
  assert.equal(node('hot').out.out!.count, 3);
  assert.equal(node('hot').out.rejected!.count, 1);
  assert.equal(node('hot').errorCount, 1);
  assert.deepEqual(node('hot').errors[0]!.item, series[2]);
  assert.equal(node('agg').out.rollup!.count, 2);
  assert.ok(t.nodes.every((n) => n.durationMs >= 0 && n.calls >= 1));
  assert.deepEqual(JSON.parse(JSON.stringify(t)), t, 'the trace is plain JSON');
});

test('trace item samples are capped but counts stay exact', async () => {
  const many = Array.from({ length: 50 }, (_, i): Point => ({ device: 'd', metric: 'temp', ts: i, value: 80, unit: 'degC' }));
  const r = await testPipeline(doc(), many, { operators: builtinOperators, maxItemsPerPort: 10 });
  const hot = r.trace!.nodes.find((n) => n.id === 'hot')!;
  assert.equal(hot.out.out!.count, 50);
  assert.equal(hot.out.out!.items.length, 10);
  assert.equal(r.trace!.truncated, true);
});

test('testPipeline reports compile problems instead of running', async () => {
  const bad = doc();
  bad.nodes[1]!.config = { expression: 'value >' };
  const r = await testPipeline(bad, series, { operators: builtinOperators });
  assert.equal(r.ok, false);
  assert.equal(r.trace, null);
  assert.equal(r.issues[0]!.nodeId, 'hot');
});

test('diffPipelines reports the outputs that differ between two versions', async () => {
  const same = await diffPipelines(doc(50), doc(50), series, { operators: builtinOperators });
  assert.equal(same.equal, true);
  assert.deepEqual(same.outputs, []);
  const d = await diffPipelines(doc(50), doc(58), series, { operators: builtinOperators });
  assert.equal(d.equal, false);
  const st = d.outputs.find((o) => o.nodeId === 'st')!;
  assert.equal(st.status, 'changed');
  // With threshold 58 the first window only holds 60 °C: count changes from 2 to 1, max stays.
  assert.deepEqual((st.onlyInA as Rollup[]).map((x) => [x.start, x.count]), [[0, 2]]);
  assert.deepEqual((st.onlyInB as Rollup[]).map((x) => [x.start, x.count]), [[0, 1]]);
  assert.equal(d.outputs.find((o) => o.nodeId === 'up'), undefined, 'the max points are the same in both');
});

test('hot swap keeps window state of unchanged nodes and loses no point in flight', async () => {
  const rows: Rollup[] = [];
  const opts = { operators: builtinOperators, host: { clock: { now: () => 1e9 }, sinks: { store: { write: (_t: string, items: readonly unknown[]) => { rows.push(...(items as Rollup[])); } }, outbox: { enqueue() {} } } } };
  const live = await LivePipeline.start(doc(50), opts);
  const p = (ts: number, value: number): Point => ({ device: 'd1', metric: 'temp', ts, value, unit: 'degC' });
  const first = live.process([p(0, 60), p(10_000, 61)]);
  const swap = live.replace(doc(10)); // queued behind the batch in flight
  const second = live.process([p(20_000, 20), p(70_000, 80)]);
  await Promise.all([first, second]);
  assert.deepEqual((await swap).sort(), ['agg', 'f', 'in', 'st', 'up']);
  // The window [0, 1m) kept its two points from before the swap and took the 20 °C one after it.
  assert.deepEqual(rows.map((r) => [r.start, r.count, r.min]), [[0, 3, 20 + 273.15]]);
});

test('a failed swap keeps the running pipeline', async () => {
  const live = new LivePipeline(doc(50), { operators: builtinOperators, host: { sinks: { store: { write() {} }, outbox: { enqueue() {} } } } });
  const before = live.current;
  const broken = doc();
  broken.edges.push({ from: 'agg', to: 'in' });
  await assert.rejects(live.replace(broken), /ERR_PIPELINE|problem/);
  assert.equal(live.current, before);
});

test('millions of keys: window state stays capped and the excess is counted, not kept', async () => {
  const d = doc(0);
  d.nodes[3]!.config = { window: { type: 'tumbling', size: '1m' }, functions: ['max'], maxKeys: 10_000 };
  const live = new LivePipeline(d, { operators: builtinOperators, host: { clock: { now: () => 1e9 }, sinks: { store: { write() {} }, outbox: { enqueue() {} } } } });
  const batch = 100_000;
  let rejected = 0;
  for (let b = 0; b < 20; b++) {
    const pts: Point[] = new Array(batch);
    for (let i = 0; i < batch; i++) pts[i] = { device: `dev-${b * batch + i}`, metric: 'temp', ts: 1000, value: 60, unit: 'degC' };
    const r = await live.process(pts);
    for (const e of r.errors) if (e.code === 'ERR_ENGINE_KEY_LIMIT') rejected += e.details!.count as number;
    assert.ok(r.errors.length <= 1, 'one counted error per batch, not one per point');
  }
  const stats = live.current.stats().agg!;
  assert.equal(stats.keys, 10_000);
  assert.equal(stats.keyLimit, 2_000_000 - 10_000);
  assert.equal(rejected, 2_000_000 - 10_000);
});
