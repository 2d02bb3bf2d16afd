import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeBatch, decodePointSet } from '@outpost/contract/wire/index';
import { isOutpostError, type Point } from '@outpost/contract';
import { GatewayStore } from '@outpost/storage';
import { tempDir } from '@outpost/testing';
import { buildWireBody } from '../wire-body.js';
import { Outbox } from './outbox.js';

const pts = (device: string, n: number, t0 = 1_700_000_000_000): Point[] => Array.from({ length: n }, (_, i) => ({ device, metric: 'm', ts: t0 + i, value: i }));

function setup(t: { after(fn: () => void): void }, limits: ConstructorParameters<typeof Outbox>[1] = {}) {
  const { dir, cleanup } = tempDir();
  const store = GatewayStore.open({ path: `${dir}/gw.db` });
  const outbox = new Outbox(store, limits);
  t.after(() => { store.close(); cleanup(); });
  return { store, outbox, dir };
}
const build = (outbox: Outbox) => (seq: number, items: Parameters<typeof buildWireBody>[2]) =>
  buildWireBody({ gateway: 'gw', stream: outbox.stream, compression: 'identity', gzipLevel: 1, now: Date.now }, seq, items);

test('points committed through the store hook land in the outbox in the same transaction; a failed commit leaves neither', (t) => {
  const { store, outbox } = setup(t);
  store.addCommitHook((p) => outbox.enqueuePoints('normal', p));
  store.commit(pts('a', 3));
  assert.equal(outbox.pending().normal.points, 3);
  // A duplicate point is not stored and so not forwarded.
  store.commit([...pts('a', 1), { device: 'b', metric: 'm', ts: 1, value: 1 }]);
  assert.equal(outbox.pending().normal.points, 4);
  const failing = store.addCommitHook(() => { throw new Error('boom'); });
  assert.throws(() => store.commit(pts('c', 2)));
  failing();
  assert.equal(outbox.pending().normal.points, 4);
  assert.equal(store.countPoints(), 4);
});

test('batches drain by priority, keep arrival order within a class, and keep their sequence number and bytes across a reopen', (t) => {
  const { dir, outbox, store } = setup(t);
  outbox.enqueuePoints('low', pts('low', 2));
  outbox.enqueuePoints('normal', pts('n1', 2));
  outbox.enqueue('critical', 'alert', { rule: 'hot' });
  outbox.enqueuePoints('normal', pts('n2', 2));
  outbox.enqueue('high', 'rollup', { avg: 1 });
  const b1 = outbox.batches.assign({ maxPoints: 3, maxBytes: 1e9 }, build(outbox))!;
  const kinds = decodeBatch(b1.body).items.map((i) => `${i.class}:${i.kind}`);
  assert.deepEqual(kinds, ['critical:alert', 'high:rollup', 'normal:points']);
  assert.equal(b1.seq, 1);
  // Reopen (as after a crash): the open batch is the same bytes, and no new one is cut before it is settled.
  store.close();
  const store2 = GatewayStore.open({ path: `${dir}/gw.db` });
  t.after(() => store2.close());
  const again = new Outbox(store2);
  assert.equal(again.stream, outbox.stream);
  const open = again.batches.open()!;
  assert.equal(open.seq, 1);
  assert.equal(open.sha256, b1.sha256);
  again.batches.ack(1);
  const b2 = again.batches.assign({ maxPoints: 100, maxBytes: 1e9 }, build(again))!;
  assert.equal(b2.seq, 2);
  const devices = decodeBatch(b2.body).items.flatMap((i) => decodePointSet(i.body).map((p) => p.device));
  assert.deepEqual(devices, ['n2', 'n2', 'low', 'low']);
  again.batches.ack(2);
  assert.equal(again.batches.assign({ maxPoints: 100, maxBytes: 1e9 }, build(again)), undefined);
  assert.equal(again.used, 0);
});

test('a full outbox drops the oldest items of the lowest class first, never critical unless configured, and counts every drop', (t) => {
  const { outbox } = setup(t, { limits: { maxBytes: 4000 } });
  const body = (n: number) => 'x'.repeat(n);
  outbox.enqueue('critical', 'event', body(1000));
  outbox.enqueue('low', 'debug', body(1000));
  outbox.enqueue('normal', 'bulk', body(1000));
  outbox.enqueue('low', 'debug', body(1000));
  // Full (4000). A normal item pushes out the oldest low one.
  outbox.enqueue('normal', 'bulk', body(1000));
  let d = outbox.drops();
  assert.equal(d.low.capacity.items, 1);
  // Another normal item: the second low one goes.
  outbox.enqueue('normal', 'bulk', body(1000));
  d = outbox.drops();
  assert.equal(d.low.capacity.items, 2);
  // A low item cannot push out normal ones: it is dropped itself.
  assert.equal(outbox.enqueue('low', 'debug', body(1000)), undefined);
  assert.equal(outbox.drops().low.capacity.items, 3);
  // A critical item is admitted past the limit rather than dropping another critical one; normal items go first.
  outbox.enqueue('critical', 'event', body(1000));
  assert.equal(outbox.drops().normal.capacity.items, 1);
  assert.equal(outbox.drops().critical.capacity.items, 0);
  const p = outbox.pending();
  assert.deepEqual([p.critical.items, p.high.items, p.normal.items, p.low.items], [2, 0, 2, 0]);
  assert.equal(outbox.used, 4000);
});

test('capacity events fire once when usage crosses 80 % and 95 %', (t) => {
  const seen: number[] = [];
  const { outbox } = setup(t, { limits: { maxBytes: 1000 }, onCapacity: (level) => seen.push(level) });
  for (let i = 0; i < 7; i++) outbox.enqueue('normal', 'bulk', 'x'.repeat(100));
  assert.deepEqual(seen, []);
  outbox.enqueue('normal', 'bulk', 'x'.repeat(100));
  assert.deepEqual(seen, [0.8]);
  outbox.enqueue('normal', 'bulk', 'x'.repeat(160));
  assert.deepEqual(seen, [0.8, 0.95]);
  outbox.enqueue('normal', 'bulk', 'x'.repeat(10));
  assert.deepEqual(seen, [0.8, 0.95]);
});

test('items past their class TTL are dropped as expired and counted', (t) => {
  let now = 1_000_000;
  const { outbox } = setup(t, { now: () => now, limits: { ttlMs: { critical: 10_000, high: 10_000, normal: 10_000, low: 1000 } } });
  outbox.enqueuePoints('low', pts('a', 5));
  outbox.enqueuePoints('normal', pts('b', 5));
  now += 2000;
  assert.equal(outbox.expire(), 1);
  assert.equal(outbox.drops().low.expired.points, 5);
  assert.equal(outbox.pending().normal.points, 5);
});

test('bad classes, kinds and payloads are refused with ERR_OUTBOX_INVALID and change nothing', (t) => {
  const { outbox } = setup(t);
  assert.throws(() => outbox.enqueue('urgent' as never, 'x', {}), (e) => isOutpostError(e, 'ERR_OUTBOX_INVALID') && /urgent/.test(e.message));
  assert.throws(() => outbox.enqueue('low', '', {}), (e) => isOutpostError(e, 'ERR_OUTBOX_INVALID'));
  assert.throws(() => outbox.enqueue('low', 'fn', () => 1), (e) => isOutpostError(e, 'ERR_OUTBOX_INVALID'));
  assert.equal(outbox.used, 0);
});

test('a dead-lettered batch keeps the hub reason, counts its points as rejected and frees the queue', (t) => {
  const { outbox } = setup(t);
  outbox.enqueuePoints('normal', pts('a', 4));
  outbox.enqueuePoints('normal', pts('b', 2));
  const b = outbox.batches.assign({ maxPoints: 4, maxBytes: 1e9 }, build(outbox))!;
  outbox.batches.deadLetter(b.seq, 400, 'ERR_UPLINK_INVALID', 'bad item');
  assert.equal(outbox.drops().normal.rejected.points, 4);
  assert.deepEqual(outbox.batches.deadLetters().map((d) => [d.seq, d.code, d.reason, d.points]), [[1, 'ERR_UPLINK_INVALID', 'bad item', 4]]);
  const next = outbox.batches.assign({ maxPoints: 100, maxBytes: 1e9 }, build(outbox))!;
  assert.equal(next.seq, 2);
  assert.equal(next.points, 2);
});
