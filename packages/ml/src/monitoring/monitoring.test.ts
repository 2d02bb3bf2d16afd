import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LatencyHistogram } from './latency.js';
import { DriftCounter, driftOf, referenceFromSample } from './drift.js';
import { ModelMonitor } from './monitor.js';

/** Deterministic normal-ish sample (sum of uniforms). */
function sample(n: number, mean: number, seed = 1): number[][] {
  let s = seed;
  const u = () => { s = (s * 1103515245 + 12345) % 2 ** 31; return s / 2 ** 31; };
  return Array.from({ length: n }, () => [mean + (u() + u() + u() - 1.5), u() * 10]);
}

test('latency percentiles from the log histogram are within 10 % and merge across hosts', () => {
  const a = new LatencyHistogram();
  const b = new LatencyHistogram();
  for (let i = 1; i <= 1000; i++) (i % 2 ? a : b).record(i / 10); // 0.1 … 100 ms
  a.merge(b.buckets);
  assert.equal(a.count, 1000);
  const p = a.percentiles();
  for (const [got, want] of [[p.p50, 50], [p.p95, 95], [p.p99, 99]] as const) assert.ok(Math.abs(got! - want) / want < 0.1, `${got} vs ${want}`);
  assert.equal(new LatencyHistogram().quantile(0.5), null);
});

test('drift: inputs like the reference give PSI near 0; a shifted feature gives PSI and KL over 0.25', () => {
  const ref = referenceFromSample(sample(5000, 0), 10);
  const same = new DriftCounter(ref);
  for (const r of sample(5000, 0, 7)) same.add(r);
  const shifted = new DriftCounter(ref);
  for (const r of sample(5000, 1, 7)) shifted.add(r);
  const s = same.figures()!;
  const d = shifted.figures()!;
  assert.ok(s.psi < 0.05, `same distribution PSI ${s.psi}`);
  assert.ok(d.psi > 0.25 && d.kl > 0.25, `shifted PSI ${d.psi} KL ${d.kl}`);
  // Only feature 0 moved: the per-feature figures say which one.
  assert.ok(d.features[0]!.psi > 0.25 && d.features[1]!.psi < 0.05);
  assert.equal(d.samples, 5000);
  assert.throws(() => referenceFromSample([[1], [2]], 10), /needs at least 10 sample rows/);
});

test('the monitor reports count, errors, latency and drift per model version, then starts afresh', () => {
  let now = 1000;
  const m = new ModelMonitor(() => now);
  m.setReference('pump', '2', referenceFromSample(sample(1000, 0), 5));
  m.recordCall('pump', '2', 3, sample(64, 0));
  m.recordCall('pump', '2', 5, sample(64, 0));
  m.recordError('pump', '2', 1);
  m.recordCall('fan', '1', 2, [[1, 1]]);
  now = 61_000;
  const [pump, fan] = m.drain();
  assert.deepEqual({ ...pump!, latency: undefined, drift: undefined }, { model: 'pump', version: '2', count: 128, errors: 1, latency: undefined, drift: undefined, from: 1000, to: 61_000 });
  assert.equal(Object.values(pump!.latency).reduce((a, b) => a + b, 0), 3);
  assert.equal(pump!.drift!.samples, 128);
  assert.equal(fan!.drift, null);
  assert.deepEqual(m.drain(), []);
});

test('drift past fullRows samples one row in stride, weighted: counts stay an unbiased estimate, samples count every row', () => {
  const ref = referenceFromSample(sample(5000, 0), 10);
  const rows = sample(20_000, 1, 7);
  const flat = Float64Array.from(rows.flat());
  const all = new DriftCounter(ref);
  all.addRows(flat, rows.length, 2);
  let seed = 3;
  const random = () => { seed = (seed * 16807) % 2147483647; return seed / 2147483647; };
  const sampled = new DriftCounter(ref, { fullRows: 1000, stride: 8, random });
  for (let at = 0; at < rows.length; at += 64) sampled.addRows(flat, Math.min(64, rows.length - at), 2, at * 2);
  assert.equal(sampled.samples, 20_000);
  // the first 1000 rows counted one by one, then about an eighth of the rest, each eight times
  const counted = (c: DriftCounter) => Array.from(c.counts[0]!).reduce((a, b) => a + b, 0);
  assert.ok(Math.abs(counted(sampled) - 20_000) < 8 * 64, `weighted count ${counted(sampled)}`);
  const [a, s] = [all.figures()!, sampled.figures()!];
  assert.ok(Math.abs(s.psi - a.psi) / a.psi < 0.15, `sampled PSI ${s.psi} vs all ${a.psi}`);
  assert.ok(s.features[1]!.psi < 0.05, 'an unshifted feature stays near 0');
  assert.equal(driftOf(ref, all.counts).samples, 20_000);
  assert.throws(() => new DriftCounter(ref, { fullRows: 0, stride: 0.5 }), /stride must be an integer/);
});
