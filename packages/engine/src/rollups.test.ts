import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Point } from '@outpost/contract';
import { isOutpostError } from '@outpost/contract';
import { createRollupAggregator, type RollupStore } from './rollups.js';
import type { Rollup } from './windows/rollup-row.js';

/** A store keyed like the SQLite table: (device, metric, windowMs, start) → last upserted row. */
function memoryStore(): RollupStore & { rows: Map<string, Rollup>; calls: number } {
  const rows = new Map<string, Rollup>();
  const s = {
    rows, calls: 0,
    async upsertRollups(list: readonly Rollup[]) { s.calls++; for (const r of list) rows.set(`${r.device}|${r.metric}|${r.windowMs}|${r.start}`, r); },
  };
  return s;
}
const p = (ts: number, value: number | null, device = 'd'): Point => ({ device, metric: 'kw', ts, value, ...(value === null ? { quality: 'bad' as const } : {}) });
const MIN = 60_000;

test('1-minute and 15-minute buckets by default; a bucket is written when its end has passed', async () => {
  let now = 0;
  const store = memoryStore();
  const agg = createRollupAggregator({ store, clock: { now: () => now } });
  assert.deepEqual(agg.intervalsMs, [MIN, 15 * MIN]);
  const pts: Point[] = [];
  for (let i = 0; i < 16 * 60; i += 10) pts.push(p(i * 1000, i % 60)); // every 10 s for 16 minutes
  now = 16 * MIN;
  const r = await agg.add(pts);
  assert.deepEqual(r, { accepted: pts.length, late: 0, keyLimit: 0, future: 0 });
  const minute = [...store.rows.values()].filter((x) => x.windowMs === MIN);
  const quarter = [...store.rows.values()].filter((x) => x.windowMs === 15 * MIN);
  assert.equal(minute.length, 15, 'minutes 0..14 are closed; minute 15 is still open');
  assert.equal(quarter.length, 1);
  assert.deepEqual([minute[0]!.count, minute[0]!.min, minute[0]!.max, minute[0]!.sum], [6, 0, 50, 150]);
  assert.deepEqual([quarter[0]!.count, quarter[0]!.sum], [90, 15 * 150]);
});

test('a late point within lateness re-upserts its bucket; later ones are counted, not applied', async () => {
  const store = memoryStore();
  const agg = createRollupAggregator({ store, clock: { now: () => 10 * MIN }, intervals: ['1m'], lateness: '2m' });
  await agg.add([p(0, 1), p(30_000, 2), p(MIN + 1, 5)]);
  assert.equal(store.rows.get(`d|kw|${MIN}|0`)!.sum, 3);
  await agg.add([p(45_000, 10)]);
  const row = store.rows.get(`d|kw|${MIN}|0`)!;
  assert.deepEqual([row.sum, row.count, row.revision], [13, 3, 2]);
  await agg.add([p(3 * MIN + 1, 1)]); // watermark passes 0 + 1m + 2m lateness
  const r = await agg.add([p(50_000, 100)]);
  assert.equal(r.late, 1);
  assert.equal(store.rows.get(`d|kw|${MIN}|0`)!.sum, 13);
  assert.equal(agg.stats()[String(MIN)]!.late, 1);
});

test('configurable 1 h and 1 day buckets, tick() closes buckets of quiet devices, flush() writes open ones', async () => {
  let now = 0;
  const store = memoryStore();
  const agg = createRollupAggregator({ store, clock: { now: () => now }, intervals: ['1h', '1d'], lateness: 0 });
  now = 30 * MIN;
  await agg.add([p(10 * MIN, 4), p(20 * MIN, null), p(25 * MIN, 6)]);
  assert.equal(store.rows.size, 0);
  assert.equal(await agg.tick(2 * 3600_000 + 1), 1, 'the hour bucket of a device quiet for an hour+ closes');
  const hour = store.rows.get(`d|kw|3600000|0`)!;
  assert.deepEqual([hour.count, hour.gaps, hour.avg], [2, 1, 5]);
  assert.equal(await agg.flush(), 1, 'the day bucket is written at shutdown');
  assert.equal(store.rows.get(`d|kw|86400000|0`)!.count, 2);
});

test('keys are capped per interval; a clock jump ahead is rejected', async () => {
  const store = memoryStore();
  const agg = createRollupAggregator({ store, clock: { now: () => 0 }, intervals: ['1m'], maxKeys: 2, maxFutureSkewMs: 60_000 });
  const r = await agg.add([p(0, 1, 'a'), p(0, 1, 'b'), p(0, 1, 'c'), p(10 * 86_400_000, 1, 'a')]);
  assert.deepEqual(r, { accepted: 2, late: 0, keyLimit: 1, future: 1 });
});

test('bad intervals are refused with a clear error', () => {
  const store = memoryStore();
  assert.throws(() => createRollupAggregator({ store, clock: { now: () => 0 }, intervals: ['15 minutes'] }), (e: unknown) => isOutpostError(e, 'ERR_CONFIG_INVALID') && /"15 minutes"/.test(e.message));
  assert.throws(() => createRollupAggregator({ store, clock: { now: () => 0 }, intervals: ['10ms'] }), /at least 1s/);
});
