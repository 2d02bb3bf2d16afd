import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { isOutpostError } from '@outpost/contract';
import { tempDir } from '@outpost/testing';
import { GatewayStore } from './gateway-store.js';
import { GatewayRollups, type RollupRow } from './rollup-table.js';

const row = (start: number, revision: number, avg: number, extra: Partial<RollupRow> = {}): RollupRow => ({
  device: 'inv-1', metric: 'active_power', unit: 'kW', windowMs: 60_000, start, end: start + 60_000, count: 3, gaps: 0,
  sum: avg * 3, min: avg - 1, max: avg + 1, avg, stddev: 0.8, first: avg - 1, last: true, firstTs: start, lastTs: start + 59_000, revision, ...extra,
});

test('rollups upsert by (device, metric, window, start); a later revision replaces, an older one does not', (t) => {
  const { dir, cleanup } = tempDir();
  const store = GatewayStore.open({ path: join(dir, 'gw.db') });
  t.after(() => { store.close(); cleanup(); });
  const r = new GatewayRollups(store);
  r.upsertRollups([row(0, 1, 10), row(60_000, 1, 20), row(0, 1, 5, { windowMs: 900_000, end: 900_000 })]);
  r.upsertRollups([row(0, 2, 11)]);
  r.upsertRollups([row(0, 1, 99)]); // a stale re-emission must not win
  const minute = r.query({ windowMs: 60_000, device: 'inv-1' });
  assert.deepEqual(minute.map((x) => [x.start, x.avg, x.revision]), [[0, 11, 2], [60_000, 20, 1]]);
  assert.equal(minute[0]!.last, 1, 'booleans are stored as 0/1 in rollups');
  assert.deepEqual(r.query({ windowMs: 900_000 }).map((x) => x.avg), [5]);
  assert.deepEqual(r.query({ windowMs: 60_000, from: 30_000 }).map((x) => x.start), [60_000]);
  assert.throws(() => r.query({ windowMs: 0 }), (e) => isOutpostError(e, 'ERR_QUERY_INVALID'));
  assert.equal(r.deleteBefore(60_000), 2);
  assert.deepEqual(r.query({ windowMs: 60_000 }).map((x) => x.start), [60_000]);
});
