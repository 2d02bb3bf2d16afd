import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RollingFeatures, StreamMap } from './features.js';

test('rolling features over the last N slots: stats, slope per second, missing rate, stuck', () => {
  const f = new RollingFeatures({ size: 10 });
  for (let i = 0; i < 20; i++) f.push(i * 1000, 2 * i); // slope 2 per sample = 2 per second
  let x = f.features();
  assert.equal(x.count, 10);
  assert.equal(x.mean, 29);
  assert.equal(x.median, 29);
  assert.equal(x.min, 20);
  assert.equal(x.max, 38);
  assert.equal(x.range, 18);
  assert.equal(x.mad, 5);
  assert.ok(Math.abs(x.slopePerSecond - 2) < 1e-9);
  assert.equal(x.missingRate, 0);
  assert.equal(x.stuck, false);
  f.push(20_000, NaN);
  f.push(24_000, 40); // 3 samples skipped by the gap
  x = f.features();
  assert.equal(x.missingRate, 4 / 10);
  assert.equal(f.push(23_000, 1), false, 'timestamp regression ignored');
  for (let i = 0; i < 12; i++) f.push(30_000 + i * 1000, 7);
  assert.equal(f.features().stuck, true);
  assert.equal(f.features().std, 0);
});

test('stream map keeps one state per (device, metric)', () => {
  let made = 0;
  const m = new StreamMap(() => { made++; return new RollingFeatures({ size: 5 }); });
  m.get('d1', 'temp').push(1, 1);
  m.get('d1', 'temp').push(2, 2);
  m.get('d1', 'rpm').push(1, 100);
  assert.equal(made, 2);
  assert.equal(m.get('d1', 'temp').features().count, 2);
  assert.equal(m.size, 2);
});
