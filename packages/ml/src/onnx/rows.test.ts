import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Point } from '@outpost/contract';
import { RowAssembler } from './rows.js';

const p = (device: string, metric: string, ts: number, value: number, extra: Partial<Point> = {}): Point => ({ device, metric, ts, value, ...extra });
const rowsOf = (a: RowAssembler, pts: Point[]) => {
  const { batch, keys } = a.rowsOf(pts);
  return keys.map((k, r) => [k.device, k.ts, ...Array.from(batch.flat as Float64Array).slice(r * batch.width, (r + 1) * batch.width)]);
};

test('rows form per device and timestamp in feature order, whatever order the points come in, in completion order', () => {
  const a = new RowAssembler(['x', 'y', 'z']);
  const pts = [p('a', 'z', 1, 3), p('b', 'x', 1, 10), p('a', 'x', 1, 1), p('b', 'y', 1, 20), p('b', 'z', 1, 30), p('a', 'other', 1, 99), p('a', 'y', 1, 2)];
  assert.deepEqual(rowsOf(a, pts), [['b', 1, 10, 20, 30], ['a', 1, 1, 2, 3]]);
  assert.equal(a.incomplete, 0);
});

test('rows left open carry over to the next batch; a newer timestamp drops the open row; late features are ignored', () => {
  const a = new RowAssembler(['x', 'y']);
  assert.deepEqual(rowsOf(a, [p('a', 'x', 1, 1), p('b', 'x', 1, 5)]), []);
  // a@1 completes from the earlier batch; b@1 is replaced by b@2 before its y came
  assert.deepEqual(rowsOf(a, [p('a', 'y', 1, 2), p('b', 'x', 2, 6), p('b', 'y', 1, 99), p('b', 'y', 2, 7)]), [['a', 1, 1, 2], ['b', 2, 6, 7]]);
  assert.equal(a.incomplete, 1);
  // slots of finished and dropped rows are reused without stale values
  assert.deepEqual(rowsOf(a, [p('c', 'y', 3, 8), p('c', 'x', 3, 9)]), [['c', 3, 9, 8]]);
});

test('bad, non-numeric and non-finite values are skipped; a repeated feature keeps its last value; the row keeps its first tags', () => {
  const a = new RowAssembler(['x', 'y']);
  const pts = [
    p('a', 'x', 1, 1, { tags: { line: 'A' } }), p('a', 'x', 1, 2, { tags: { line: 'B' } }), p('a', 'y', 1, 50, { quality: 'bad' }),
    p('a', 'y', 1, Number.NaN), p('a', 'y', 1, Number.POSITIVE_INFINITY), { device: 'a', metric: 'y', ts: 1, value: 'on' } as unknown as Point, p('a', 'y', 1, 3),
  ];
  const { batch, keys } = a.rowsOf(pts);
  assert.deepEqual(Array.from(batch.flat), [2, 3]);
  assert.deepEqual(keys[0]!.tags, { line: 'A' });
});

test('many devices interleaved point by point still give one row each', () => {
  const a = new RowAssembler(['x', 'y']);
  const pts: Point[] = [];
  for (const m of ['x', 'y']) for (let d = 0; d < 100; d++) pts.push(p(`d${d}`, m, 1, d + (m === 'y' ? 0.5 : 0)));
  const out = rowsOf(a, pts);
  assert.equal(out.length, 100);
  assert.deepEqual(out[42], ['d42', 1, 42, 42.5]);
});

test('a float32 model gets float32 rows; without features each point is a row and its own key', () => {
  const a = new RowAssembler(['x'], 'float32');
  assert.ok(a.rowsOf([p('a', 'x', 1, 0.1)]).batch.flat instanceof Float32Array);
  const one = new RowAssembler([], 'float32');
  const pts = [p('a', 'm', 1, 1), p('a', 'm', 2, Number.NaN), p('b', 'm', 1, 3)];
  const { batch, keys } = one.rowsOf(pts);
  assert.deepEqual([Array.from(batch.flat), batch.rows, batch.width], [[1, 3], 2, 1]);
  assert.deepEqual(keys, [pts[0], pts[2]]);
});

test('clear forgets open rows', () => {
  const a = new RowAssembler(['x', 'y']);
  a.rowsOf([p('a', 'x', 1, 1)]);
  a.clear();
  assert.deepEqual(rowsOf(a, [p('a', 'y', 1, 2)]), []);
});
