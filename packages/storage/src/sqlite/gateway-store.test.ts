import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { isOutpostError, type Point } from '@outpost/contract';
import { tempDir } from '@outpost/testing';
import { GatewayStore } from './gateway-store.js';

function openTemp(t: { after: (fn: () => void) => void }, opts: Partial<Parameters<typeof GatewayStore.open>[0]> = {}) {
  const { dir, cleanup } = tempDir();
  const store = GatewayStore.open({ path: join(dir, 'gw.db'), ...opts });
  t.after(() => { store.close(); cleanup(); });
  return store;
}

const base = 1_700_000_000_000;

test('points round-trip with numbers, booleans, strings, gaps, quality, units and tags', (t) => {
  const store = openTemp(t);
  const pts: Point[] = [
    { device: 'inv-1', metric: 'active_power', ts: base, value: 4.2, unit: 'kW' },
    { device: 'inv-1', metric: 'running', ts: base, value: true },
    { device: 'inv-1', metric: 'state', ts: base + 1, value: 'FAULT', quality: 'uncertain' },
    { device: 'inv-1', metric: 'temperature', ts: base + 2, value: null, quality: 'bad', tags: { site: 'north' } },
  ];
  assert.deepEqual(store.commit(pts).duplicates, []);
  const got = store.queryPoints({ device: 'inv-1' });
  assert.deepEqual(got, pts.slice().sort((a, b) => a.ts - b.ts || 0));
});

test('same device, metric and ts is stored once; the duplicate index is reported', (t) => {
  const store = openTemp(t);
  const p: Point = { device: 'd', metric: 'm', ts: base, value: 1 };
  store.commit([p]);
  const r = store.commit([{ ...p, value: 2 }, { ...p, ts: base + 1 }]);
  assert.deepEqual(r.duplicates, [0]);
  assert.deepEqual(store.queryPoints({ device: 'd' }).map((x) => x.value), [1, 1]);
});

test('large batches (multi-row inserts) report exactly the duplicates, within the batch and against stored points', (t) => {
  const store = openTemp(t);
  store.commit([{ device: 'old', metric: 'm', ts: base + 130, value: -1 }, { device: 'old', metric: 'm', ts: base + 153, value: -2 }]);
  // 155 points go in runs of 64, 64, 16, 4, 4 and three single rows. Duplicates: index 7 repeats
  // index 3 (first 64-run), 130 is already stored (16-run), 146 repeats 145 (a 4-run), 153 is
  // already stored (single rows). New series appear in every run.
  const pts: Point[] = Array.from({ length: 155 }, (_, i) => ({ device: `d${i % 7}`, metric: `m${Math.floor(i / 40)}`, ts: base + i, value: i }));
  pts[7] = { ...pts[3]!, value: 777 };
  pts[130] = { device: 'old', metric: 'm', ts: base + 130, value: 130 };
  pts[146] = { ...pts[145]!, value: 146 };
  pts[153] = { device: 'old', metric: 'm', ts: base + 153, value: 153 };
  const r = store.commit(pts);
  assert.deepEqual(r.duplicates, [7, 130, 146, 153]);
  assert.equal(store.countPoints(), 2 + 151);
  assert.deepEqual(store.queryPoints({ device: 'old', metric: 'm' }).map((p) => p.value), [-1, -2], 'stored points are not replaced');
  assert.equal(store.queryPoints({ device: 'd3', metric: 'm0', from: base + 3, to: base + 3 })[0]!.value, 3, 'the first of two equal points wins');
  // Every series created inside an undone run still resolves (the ids were interned before the savepoint).
  for (let i = 0; i < 155; i++) {
    if (i === 7 || i === 130 || i === 146 || i === 153) continue;
    const p = pts[i]!;
    assert.equal(store.queryPoints({ device: p.device, metric: p.metric, from: p.ts, to: p.ts }).length, 1, `point ${i}`);
  }
  for (const n of [100, 21, 3]) {
    assert.equal(store.commit(pts.slice(0, n)).duplicates.length, n, `a batch of ${n} committed twice is all duplicates`);
  }
});

test('queries filter by device, metric and inclusive time range, with order and limit', (t) => {
  const store = openTemp(t);
  const pts: Point[] = [];
  for (let i = 0; i < 100; i++) pts.push({ device: `d${i % 2}`, metric: i % 3 === 0 ? 'a' : 'b', ts: base + i, value: i });
  store.commit(pts);
  const q = store.queryPoints({ device: 'd0', metric: 'a', from: base + 10, to: base + 40 });
  assert.deepEqual(q.map((p) => p.value), [12, 18, 24, 30, 36]);
  assert.deepEqual(store.queryPoints({ device: 'd1', limit: 2, order: 'desc' }).map((p) => p.value), [99, 97]);
  // Hostile filter values are bound parameters: they match nothing and break nothing.
  assert.deepEqual(store.queryPoints({ device: "d0' OR '1'='1" }), []);
  assert.throws(() => store.queryPoints({ limit: 0 }), (e) => isOutpostError(e, 'ERR_QUERY_INVALID') && /limit/.test(e.message));
  assert.throws(() => store.queryPoints({ from: 5, to: 1 }), /after/);
});

test('dead letters keep reason and raw payload, are bounded in rows and in raw size', (t) => {
  const store = openTemp(t, { deadLetterMaxRows: 5, deadLetterMaxRawBytes: 16 });
  for (let i = 0; i < 8; i++) {
    store.commit([], [{ at: base + i, source: 'mqtt', origin: 'site/x', reason: 'malformed_json', message: `bad ${i}`, raw: `{"payload": ${i} ...........` }]);
  }
  const dl = store.deadLetters();
  assert.equal(dl.length, 5);
  assert.equal(dl[0]!.message, 'bad 7');
  assert.equal(dl[0]!.raw!.length, 16);
  assert.ok(dl[0]!.rawBytes > 16);
  assert.equal(store.deadLetters({ reason: 'too_large' }).length, 0);
});

test('a full store refuses the whole batch with ERR_STORE_FULL and keeps what it had', (t) => {
  const store = openTemp(t, { hardCapMb: 1 });
  const batch = (k: number): Point[] => Array.from({ length: 2000 }, (_, i) => ({ device: `dev-${i % 50}`, metric: 'vibration_rms', ts: base + k * 10_000 + i, value: Math.sin(i), tags: { line: 'a'.repeat(40) } }));
  let committed = 0;
  let full: unknown;
  for (let k = 0; k < 200 && !full; k++) {
    try { store.commit(batch(k)); committed += 2000; } catch (e) { full = e; }
  }
  assert.ok(isOutpostError(full, 'ERR_STORE_FULL'), `expected ERR_STORE_FULL, got ${String(full)}`);
  assert.match((full as Error).message, /full/);
  assert.equal(store.countPoints(), committed, 'the failed batch left nothing behind');
  // After retention frees space, writes succeed again.
  store.enforceRetention({ rawMaxAgeMs: 1e15, maxSizeBytes: 256 * 1024 }, base + 1e9, 1e6);
  store.commit([{ device: 'after', metric: 'm', ts: base, value: 1 }]);
  assert.equal(store.queryPoints({ device: 'after' }).length, 1);
});

test('retention deletes by age in bounded steps and by size down to the limit', (t) => {
  const store = openTemp(t);
  const day = 86_400_000;
  const now = base + 10 * day;
  const pts: Point[] = [];
  for (let i = 0; i < 30_000; i++) pts.push({ device: `d${i % 10}`, metric: 'm', ts: base + Math.floor((i / 30_000) * 10 * day), value: i });
  store.commit(pts);
  const step = store.enforceRetention({ rawMaxAgeMs: 7 * day }, now, 1000);
  assert.ok(step.deletedByAge > 0 && step.deletedByAge <= 1000, `bounded step, deleted ${step.deletedByAge}`);
  assert.equal(step.more, true);
  let r;
  do { r = store.enforceRetention({ rawMaxAgeMs: 7 * day }, now, 5000); } while (r.more);
  const oldest = store.queryPoints({ limit: 1 })[0]!;
  assert.ok(oldest.ts >= now - 7 * day);
  assert.ok(store.countPoints() > 20_000 && store.countPoints() < 22_000);

  const limit = Math.floor(store.usage().usedBytes / 2);
  do { r = store.enforceRetention({ rawMaxAgeMs: 7 * day, maxSizeBytes: limit }, now, 5000); } while (r.more);
  assert.ok(store.usage().usedBytes <= limit);
  assert.ok(r.deletedBySize >= 0 && store.countPoints() < 20_000);
  // What is left is the newest data.
  assert.equal(store.queryPoints({ order: 'desc', limit: 1 })[0]!.value, 29_999);
});

test('a store written by a newer schema is refused rather than damaged', (t) => {
  const { dir, cleanup } = tempDir();
  t.after(cleanup);
  const path = join(dir, 'gw.db');
  const s = GatewayStore.open({ path });
  s.db.pragma('user_version = 99');
  s.close();
  assert.throws(() => GatewayStore.open({ path }), /newer/);
});

test('transactionSyncLater commits at once, starts one WAL sync without waiting for it, and leaves synchronous=FULL', async (t) => {
  const started: (() => void)[] = [];
  const { fdatasync } = await import('node:fs');
  let hold = true;
  const store = openTemp(t, { fdatasync: (fd, cb) => { if (hold) started.push(() => fdatasync(fd, cb)); else fdatasync(fd, cb); } });
  const id = store.transactionSyncLater(() => store.commit([{ device: 'a', metric: 'm', ts: base, value: 1 }]));
  assert.deepEqual(id, { duplicates: [] }, 'the result of fn is returned');
  assert.equal(store.countPoints(), 1, 'visible before any sync completes');
  assert.equal(started.length, 1, 'one sync started');
  assert.equal(store.db.pragma('synchronous', { simple: true }), 2);
  // Inside an open transaction it joins it: no pragma change, no sync of its own.
  store.db.transaction(() => store.transactionSyncLater(() => store.commit([{ device: 'a', metric: 'm', ts: base + 1, value: 2 }])))();
  assert.equal(store.countPoints(), 2);
  hold = false;
  for (const run of started.splice(0)) run();
  await store.durable();
});
