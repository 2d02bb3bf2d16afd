import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chartsOf, pointsOf } from '../src/pages/models/charts.js';
import type { Monitoring, UsageDay } from '../src/pages/models/types.js';

const DAY = 86_400_000;
const day = (d: string, version: string, count: number): UsageDay => ({
  name: 'm', version, day: d, source: 'all', count, errors: 1, errorRate: 0.1, p50Ms: 1, p95Ms: 2, p99Ms: 3, psi: version === '1' ? 0.2 : null, kl: 0.1, driftSamples: 5,
});
const from = Date.parse('2026-11-01T00:00:00Z');
const m: Monitoring = {
  model: 'm', from, to: from + 7 * DAY,
  days: [day('2026-11-01', '1', 10), day('2026-11-03', '1', 30), day('2026-11-07', '1', 70), day('2026-11-03', '2', 99)],
  accuracyByDay: [{ version: 1, day: '2026-11-07', labelled: 4, accuracy: 0.75, mae: 0.25 }],
};

test('model charts: one version\'s days, the axis framed by the range, a figure on its first or last day kept', () => {
  const charts = chartsOf(m, 1);
  assert.deepEqual(charts.map((c) => c.title), ['Inferences per day', 'Latency (ms)', 'Error rate', 'Input drift', 'Accuracy on ground truth']);
  const count = charts[0]!.series[0]!;
  // 11-01 and 11-07 hold figures: no empty frame point may overwrite them; version 2's day is not mixed in.
  assert.deepEqual(count.ts, [from, from + 2 * DAY, from + 6 * DAY]);
  assert.deepEqual(count.values, [10, 30, 70]);
  const acc = charts[4]!.series[0]!;
  assert.deepEqual([acc.ts, acc.values], [[from, from + 6 * DAY], [null, 0.75]]);
  assert.deepEqual(charts.map(pointsOf), [3, 9, 3, 6, 1]);
  const v2 = chartsOf(m, 2);
  assert.deepEqual([v2[0]!.series[0]!.ts, v2[0]!.series[0]!.values], [[from, from + 2 * DAY, from + 6 * DAY], [null, 99, null]]);
  assert.deepEqual(v2.map(pointsOf), [1, 3, 1, 1, 0]); // no drift reference on v2: PSI empty, KL shown
});
