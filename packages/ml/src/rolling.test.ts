import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RecentMax, RollingWindow, SortedWindow } from './rolling.js';
import { rng } from './detectors/iforest-model.js';

function brute(xs: number[]): { mean: number; median: number; mad: number; q1: number } {
  const s = [...xs].sort((a, b) => a - b);
  const q = (p: number) => { const pos = p * (s.length - 1); const lo = Math.floor(pos); const hi = Math.min(s.length - 1, lo + 1); return s[lo]! * (1 - (pos - lo)) + s[hi]! * (pos - lo); };
  const med = q(0.5);
  const dev = xs.map((x) => Math.abs(x - med)).sort((a, b) => a - b);
  const n = dev.length;
  const mad = n % 2 ? dev[n >> 1]! : (dev[n / 2 - 1]! + dev[n / 2]!) / 2;
  return { mean: xs.reduce((a, b) => a + b, 0) / xs.length, median: med, mad, q1: q(0.25) };
}

test('sorted window matches brute-force median, MAD, quantiles and mean while sliding', () => {
  const rand = rng(7);
  for (const size of [2, 5, 16, 33]) {
    const w = new SortedWindow(size);
    const all: number[] = [];
    for (let i = 0; i < 300; i++) {
      // Repeated values on purpose: ties are where rank and MAD code usually break.
      const x = Math.round(rand() * 20) / 2;
      w.push(x); all.push(x);
      const cur = all.slice(-size);
      const b = brute(cur);
      assert.ok(Math.abs(w.median() - b.median) < 1e-12, `median size ${size} step ${i}`);
      assert.ok(Math.abs(w.mad() - b.mad) < 1e-12, `mad size ${size} step ${i}: ${w.mad()} vs ${b.mad}`);
      assert.ok(Math.abs(w.quantile(0.25) - b.q1) < 1e-12, `q1 size ${size} step ${i}`);
      assert.ok(Math.abs(w.window.mean() - b.mean) < 1e-9, `mean size ${size} step ${i}`);
      assert.equal(w.min(), Math.min(...cur));
      assert.equal(w.max(), Math.max(...cur));
    }
  }
});

test('rolling window: std of a constant window is 0, slope of a line is its step, oldest falls out', () => {
  const w = new RollingWindow(4);
  for (const x of [5, 5, 5, 5]) w.push(x);
  assert.equal(w.std(), 0);
  assert.equal(w.push(7), 5);
  const line = new RollingWindow(10);
  for (let i = 0; i < 25; i++) line.push(3 + 2 * i);
  assert.ok(Math.abs(line.slope() - 2) < 1e-12);
  assert.deepEqual(line.values(), Array.from({ length: 10 }, (_, i) => 3 + 2 * (15 + i)));
  assert.throws(() => new RollingWindow(1), RangeError);
});

test('rank gives the fractions below and at-most a value', () => {
  const w = new SortedWindow(10);
  for (const x of [1, 2, 2, 3, 4]) w.push(x);
  assert.deepEqual(w.rank(2), [0.2, 0.6]);
  assert.deepEqual(w.rank(0), [0, 0]);
  assert.deepEqual(w.rank(9), [1, 1]);
});

test('nearest gives the distance to the closest value still in the window', () => {
  const w = new SortedWindow(4);
  assert.equal(w.nearest(5), Infinity);
  for (const x of [1, 10, 4, 20]) w.push(x);
  assert.equal(w.nearest(6), 2);
  assert.equal(w.nearest(4), 0);
  assert.equal(w.nearest(-3), 4);
  assert.equal(w.nearest(25), 5);
  w.push(7); // 1 falls out
  assert.equal(w.nearest(0), 4);
  assert.equal(w.nearest(6), 1);
});

test('RecentMax is the maximum of the values recorded over the last span steps', () => {
  const m = new RecentMax(10);
  assert.equal(m.max(0), -Infinity);
  m.push(0, 5);
  m.push(3, 2);
  assert.equal(m.max(4), 5);
  assert.equal(m.max(10), 5); // step 0 is still within [0, 10)
  assert.equal(m.max(11), 2); // step 0 has left; step 3 remains
  m.push(12, 7);
  m.push(13, 1);
  assert.equal(m.max(14), 7);
  assert.equal(m.max(23), 1); // 7 (step 12) has left, 1 (step 13) is the last one within the span
  assert.equal(m.max(30), -Infinity);
  assert.throws(() => new RecentMax(0), RangeError);
});
