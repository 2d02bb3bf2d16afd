import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Backoff } from './backoff.js';

test('backoff grows exponentially to the cap and starts over after reset', () => {
  const b = new Backoff({ minMs: 100, maxMs: 1000, factor: 2, jitter: 0 });
  assert.deepEqual([b.next(), b.next(), b.next(), b.next(), b.next(), b.next()], [100, 200, 400, 800, 1000, 1000]);
  b.reset();
  assert.equal(b.next(), 100);
});

test('jitter shortens each delay by at most the configured fraction', () => {
  const seq = [0, 0.5, 0.99];
  let i = 0;
  const b = new Backoff({ minMs: 1000, maxMs: 1000, factor: 2, jitter: 0.5 }, () => seq[i++ % seq.length]!);
  assert.deepEqual([b.next(), b.next(), b.next()], [1000, 750, 505]);
});
