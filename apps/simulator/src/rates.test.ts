import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RateCounter } from './rates.js';

test('rate is per second over the sliding window, from the first call on', () => {
  let now = 1000;
  const r = new RateCounter(() => now, 5000);
  r.add(10);
  now = 3000;
  assert.equal(r.rate(), 5, 'average since creation on the first call');
  now = 10_000;
  r.add(70);
  assert.equal(r.rate(), 10, '70 more over the 7 s since the last sample');
  now = 20_000;
  assert.equal(r.rate(), 0, 'nothing new in the window');
  assert.equal(r.count, 80);
});
