import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Point } from '@outpost/contract';
import { BoundedFeed, LivePipeline, type FeedStats, type OutputItem, type PipelineDocument } from '@outpost/engine';
import { waitFor } from '@outpost/testing';
import { builtinOperators } from '../registry.js';

const doc: PipelineDocument = {
  schemaVersion: 1, id: 'slow',
  nodes: [
    { id: 'in', kind: 'input', typeVersion: 1, config: { metrics: ['temp'] } },
    { id: 'ok', kind: 'filter', typeVersion: 1, config: { expression: '100 / value > 0' } },
    { id: 'db', kind: 'store', typeVersion: 1, config: { table: 't' } },
  ],
  edges: [{ from: 'in', to: 'ok' }, { from: 'ok', to: 'db' }],
};
const batch = (n: number, from: number): Point[] => Array.from({ length: n }, (_, i) => ({ device: 'd', metric: 'temp', ts: (from + i) * 1000, value: from + i }));

/** A store that holds each write until the test lets it go: a downstream that is slower than ingest. */
function gatedStore() {
  const written: OutputItem[] = [];
  const pending: Array<() => void> = [];
  return {
    written, pending,
    sink: { write(_t: string, items: readonly OutputItem[]) { return new Promise<void>((r) => { pending.push(() => { written.push(...items); r(); }); }); } },
    releaseAll() { while (pending.length) pending.shift()!(); },
  };
}

test('a pipeline slower than ingest: offers never wait, the queue stays under its limit, excess batches are dropped whole and counted, one report per overload', async () => {
  const store = gatedStore();
  const live = await LivePipeline.start(doc, { operators: builtinOperators, host: { clock: { now: () => 1e9 }, sinks: { store: store.sink } } });
  const overloads: FeedStats[] = [];
  const feed = new BoundedFeed(live, { maxQueuedPoints: 250, onOverload: (s) => overloads.push(s) });
  const accepted: boolean[] = [];
  for (let b = 0; b < 6; b++) accepted.push(feed.offer(batch(100, b * 100)));
  assert.deepEqual(accepted, [true, true, false, false, false, false], 'two batches (200 points) fit under 250; the rest are dropped');
  assert.deepEqual(overloads.map((s) => [s.queuedPoints, s.droppedBatches]), [[200, 1]]);
  let s = feed.stats();
  assert.deepEqual([s.queuedPoints, s.droppedPoints, s.droppedBatches, s.points], [200, 400, 4, 0]);

  await waitFor(() => store.pending.length === 1, { what: 'first batch at the sink' });
  store.releaseAll();
  await waitFor(() => store.pending.length === 1, { what: 'second batch at the sink' });
  assert.equal(feed.offer(batch(100, 600)), true, 'room again once the first batch is done');
  assert.equal(feed.offer(batch(100, 700)), false, 'and full again');
  assert.equal(overloads.length, 2, 'a new overload is reported again');
  let finished = false;
  const idle = feed.idle().then(() => { finished = true; });
  while (!finished) {
    store.releaseAll();
    await waitFor(() => finished || store.pending.length > 0, { what: 'the next write or an empty queue' });
  }
  await idle;
  s = feed.stats();
  assert.deepEqual([s.batches, s.points, s.queuedPoints, s.droppedPoints, s.droppedBatches], [3, 300, 0, 500, 5]);
  assert.equal(store.written.length, 299, 'value 0 fails the filter (division by zero) and is not written');
  assert.equal(s.errors, 1);
  assert.deepEqual((store.written as Point[]).map((p) => p.ts / 1000).filter((v) => v >= 600).length, 100, 'the accepted later batch was processed');
});

test('a batch larger than the limit still runs when the queue is empty; a pipeline that throws on a batch is counted and the next batch runs', async () => {
  const errors: unknown[] = [];
  let calls = 0;
  // A pipeline failing a whole batch (not one point) cannot be caused through the operators: the one fault stand-in here.
  const flaky: Pick<LivePipeline, 'process'> = { async process(points) { calls++; if (calls === 1) throw new Error('boom'); return { points: points.length, errors: [], unconnected: {}, durationMs: 0 }; } };
  const feed = new BoundedFeed(flaky, { maxQueuedPoints: 10, onError: (e) => errors.push(e) });
  assert.equal(feed.offer(batch(50, 0)), true);
  await feed.idle();
  assert.equal(feed.offer(batch(5, 50)), true);
  await feed.idle();
  const s = feed.stats();
  assert.deepEqual([s.batches, s.points, s.errors, s.queuedPoints], [1, 5, 1, 0]);
  assert.match(String(errors[0]), /boom/);
});
