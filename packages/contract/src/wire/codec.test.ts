import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Point } from '../point.js';
import { decodeBatch, decodePointSet, encodeBatch, encodePointSet } from './index.js';
import { pointSetType } from './schema.js';

test('a point set round-trips every value type, quality, unit and tags exactly', () => {
  const points: Point[] = [
    { device: 'pump-1', metric: 'temp', ts: 1_700_000_000_000, value: 21.53, unit: 'degC' },
    { device: 'pump-1', metric: 'temp', ts: 1_700_000_001_000, value: -3.1, unit: 'degC' },
    { device: 'pump-1', metric: 'temp', ts: 1_700_000_002_000, value: 1e21, unit: 'degC' },
    { device: 'pump-1', metric: 'on', ts: 1_700_000_000_000, value: true, tags: { site: 'a' } },
    { device: 'pump-2', metric: 'state', ts: 1_700_000_000_500, value: 'running', quality: 'uncertain' },
    { device: 'pump-2', metric: 'flow', ts: 1_700_000_000_700, value: null, quality: 'bad' },
    { device: 'pump-2', metric: 'flow', ts: 1_700_000_000_800, value: Math.PI },
    { device: 'pump-2', metric: 'flow', ts: 1_699_999_000_000, value: -0 },
    { device: 'pump-3', metric: 'count', ts: 1_700_000_000_000, value: 9_007_199_254_740_991 },
  ];
  const back = decodePointSet(encodePointSet(points));
  const key = (p: Point) => `${p.device}/${p.metric}/${p.ts}`;
  assert.deepEqual([...back].sort((a, b) => key(a).localeCompare(key(b))), [...points].sort((a, b) => key(a).localeCompare(key(b))));
  assert.ok(Object.is(back.find((p) => p.ts === 1_699_999_000_000)!.value, -0), '-0 keeps its sign');
});

test('order within a series is kept, including timestamps that go backwards', () => {
  const ts = [5, 3, 9, 9, 1].map((d) => 1_700_000_000_000 + d);
  const points: Point[] = ts.map((t, i) => ({ device: 'd', metric: 'm', ts: t, value: i / 10 }));
  assert.deepEqual(decodePointSet(encodePointSet(points)).map((p) => [p.ts, p.value]), points.map((p) => [p.ts, p.value]));
});

test('a steady decimal series costs a few bytes per point, far below JSON', () => {
  const points: Point[] = [];
  for (let i = 0; i < 1000; i++) points.push({ device: 'meter-7', metric: 'voltage', ts: 1_700_000_000_000 + i * 1000, value: Math.round((230 + Math.sin(i / 10) * 3) * 100) / 100 });
  const bytes = encodePointSet(points).length;
  const json = Buffer.byteLength(JSON.stringify(points));
  assert.ok(bytes / points.length < 6, `${bytes / points.length} bytes/point`);
  assert.ok(bytes * 10 < json, `${bytes} vs JSON ${json}`);
});

test('a batch round-trips with items, 64-bit sequence numbers and buffer status', () => {
  const body = encodePointSet([{ device: 'd', metric: 'm', ts: 1, value: 1 }]);
  const b = {
    gateway: 'gw-1', stream: 's-1', seq: 2 ** 40 + 7, createdMs: 1_700_000_000_123,
    items: [{ id: 12, class: 'normal' as const, kind: 'points', createdMs: 5, body }, { id: 13, class: 'critical' as const, kind: 'event', createdMs: 6, body: Buffer.from('{"a":1}') }],
    status: { classes: [{ class: 'low' as const, items: 1, points: 2, bytes: 3, oldestMs: 4, droppedPoints: 5 }], capacityBytes: 100, usedBytes: 10, drainPointsPerS: 1.5 },
  };
  const back = decodeBatch(encodeBatch(b));
  assert.equal(back.seq, b.seq);
  assert.deepEqual(back.items.map((i) => ({ ...i, body: Buffer.from(i.body).toString('hex') })), b.items.map((i) => ({ ...i, body: Buffer.from(i.body).toString('hex') })));
  assert.deepEqual(back.status, b.status);
  assert.deepEqual(decodePointSet(back.items[0]!.body), [{ device: 'd', metric: 'm', ts: 1, value: 1 }]);
});

test('bytes that are not a batch fail to decode', () => {
  assert.throws(() => decodeBatch(Buffer.from([0x0a, 0xff, 0xff, 0xff])));
});

test('a point set whose columns or string indexes do not add up is refused', () => {
  assert.throws(() => decodePointSet(pointSetType().encode({ strings: ['d'], series: [{ device: 0, metric: 3, tsDelta: [1] }] }).finish()), /string index is out of range/);
  assert.throws(() => decodePointSet(pointSetType().encode({ strings: ['d', 'm'], series: [{ device: 0, metric: 1, tsDelta: [1, 2], scaledDelta: [5] }] }).finish()), /value columns do not match/);
});
