import { test } from 'node:test';
import assert from 'node:assert/strict';
import { InvalidArgumentError } from 'commander';
import { parsePositiveInt, parseTime } from './time-arg.js';

const NOW = Date.parse('2026-06-01T12:00:00Z');

test('parseTime: now, epoch ms, ISO dates and relative times', () => {
  assert.equal(parseTime('now', NOW), NOW);
  assert.equal(parseTime('1700000000000', NOW), 1_700_000_000_000);
  assert.equal(parseTime('2026-06-01T11:00:00Z', NOW), NOW - 3_600_000);
  assert.equal(parseTime('-15m', NOW), NOW - 15 * 60_000);
  assert.equal(parseTime('-2h', NOW), NOW - 2 * 3_600_000);
  assert.equal(parseTime('-7d', NOW), NOW - 7 * 86_400_000);
  assert.equal(parseTime('-30s', NOW), NOW - 30_000);
  assert.equal(parseTime('-1.5h', NOW), NOW - 5_400_000);
});

test('parseTime and parsePositiveInt reject anything else with what was expected', () => {
  for (const bad of ['yesterday', '15m', '-5y', '2026-13-45', '']) {
    assert.throws(() => parseTime(bad, NOW), (e: unknown) => e instanceof InvalidArgumentError && e.message.includes(`got "${bad}"`), bad);
  }
  assert.equal(parsePositiveInt('25'), 25);
  for (const bad of ['0', '-1', '2.5', 'ten']) assert.throws(() => parsePositiveInt(bad), InvalidArgumentError, bad);
});
