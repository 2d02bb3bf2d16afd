import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatDuration, parseDuration } from './duration.js';

test('durations parse from text and numbers', () => {
  assert.equal(parseDuration('1m'), 60_000);
  assert.equal(parseDuration('1h30m'), 5_400_000);
  assert.equal(parseDuration('250ms'), 250);
  assert.equal(parseDuration('1.5s'), 1500);
  assert.equal(parseDuration('1d'), 86_400_000);
  assert.equal(parseDuration(500), 500);
  for (const bad of ['', '1 minute', 'm', '1x', -5, '5m ', null]) assert.equal(parseDuration(bad), undefined, String(bad));
  assert.equal(formatDuration(900_000), '15m');
  assert.equal(formatDuration(1500), '1500ms');
});
