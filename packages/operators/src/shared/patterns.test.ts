import { test } from 'node:test';
import assert from 'node:assert/strict';
import { performance } from 'node:perf_hooks';
import { nameMatcher, wildcardMatch } from './patterns.js';

test('wildcards match prefixes, suffixes and middles; other characters are literal', () => {
  const cases: [string, string, boolean][] = [
    ['line3-*', 'line3-press', true], ['line3-*', 'line4-press', false], ['*_temp', 'oil_temp', true], ['*_temp', 'oil_temp2', false],
    ['a*b*c', 'axxbyyc', true], ['a*b*c', 'axxbyy', false], ['*', '', true], ['a.b', 'axb', false], ['a.b', 'a.b', true], ['*a*', 'bab', true],
  ];
  for (const [pat, name, want] of cases) assert.equal(wildcardMatch(pat, name), want, `${pat} ~ ${name}`);
  const m = nameMatcher(['exact', 'pre*'])!;
  assert.deepEqual(['exact', 'prefix', 'other'].map(m), [true, true, false]);
  assert.equal(nameMatcher([]), undefined);
});

test('a hostile pattern cannot make matching explode', () => {
  const pattern = `${'*a'.repeat(30)}*b`;
  const name = 'a'.repeat(5000);
  const t0 = performance.now();
  assert.equal(wildcardMatch(pattern, name), false);
  assert.ok(performance.now() - t0 < 1000, 'bounded by name × pattern steps');
});
