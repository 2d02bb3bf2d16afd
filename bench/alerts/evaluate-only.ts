/**
 * In-process figure: CPU time of AlertEngine.process alone (evaluation, lifecycle transaction,
 * action hand-off) per 1,000 points with the bench's 1,000 rules, separate from MQTT and ingest.
 */
import { AlertEngine } from '@outpost/alerts';
import type { Point } from '@outpost/contract';
import { GatewayStore } from '@outpost/storage';
import { tempDir } from '@outpost/testing';

export function evaluationCostMsPer1k(rules: unknown[], devices: number, triggerEvery: number, points = 200_000): number {
  const tmp = tempDir('outpost-bench-alerts-eval-');
  const store = GatewayStore.open({ path: `${tmp.dir}/g.db`, synchronous: 'normal' });
  const engine = new AlertEngine({ db: store.db, rules, mqttPublish: () => Promise.resolve() });
  try {
    const batch = (from: number, n: number): Point[] => {
      const out: Point[] = [];
      for (let s = from; s < from + n; s++) {
        const i = s % devices;
        const device = `dev-${i}`;
        if (i % 2 === 0) out.push({ device, metric: 'temp', ts: s, value: s % triggerEvery === 0 ? 1000 : Math.floor(s / devices) % 2 ? 20 : 50 });
        else { out.push({ device, metric: 'lat', ts: s, value: 50.002 }, { device, metric: 'lon', ts: s, value: 10.002 }); }
      }
      return out;
    };
    for (let s = 0; s < 20_000; s += 100) engine.process(batch(s, 100)); // warm-up (JIT)
    const c0 = process.cpuUsage();
    for (let s = 20_000; s < 20_000 + points; s += 100) engine.process(batch(s, 100));
    const c = process.cpuUsage(c0);
    return (c.user + c.system) / 1000 / (points / 1000);
  } finally {
    engine.stop();
    store.close();
    tmp.cleanup();
  }
}
