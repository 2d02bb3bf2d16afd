import { DEVICE_DEPLOY_STATES } from '@outpost/contract/artifacts';
import { IN_FLIGHT, type Rollout, type RolloutDevice } from '@outpost/storage/hub/index';

const mean = (xs: number[]) => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : null);

/** Progress, failures grouped by reason and (A/B) per-arm health figures: the fleet overview of one deployment. */
export function summarise(r: Rollout, devices: RolloutDevice[]) {
  const counts = Object.fromEntries(DEVICE_DEPLOY_STATES.map((s) => [s, 0])) as Record<string, number>;
  for (const d of devices) counts[d.state] = (counts[d.state] ?? 0) + 1;
  const released = devices.filter((d) => d.releasedAt !== null).length;
  const settled = devices.filter((d) => d.releasedAt !== null && !(IN_FLIGHT as readonly string[]).includes(d.state)).length;
  const byReason = new Map<string, string[]>();
  // Devices that failed and were then rolled back still count under their failure's reason.
  for (const d of devices) if (d.state === 'failed' || (d.state === 'rolled_back' && d.error !== null)) byReason.set(d.error ?? 'no reason given', [...(byReason.get(d.error ?? 'no reason given') ?? []), d.deviceId]);
  const failures = [...byReason].map(([reason, ids]) => ({ reason, count: ids.length, devices: ids.slice(0, 20) })).sort((a, b) => b.count - a.count);
  const arms = r.versionB === null ? undefined : Object.fromEntries((['a', 'b'] as const).map((arm) => {
    const ds = devices.filter((d) => d.arm === arm);
    return [arm, {
      version: ds[0]?.version ?? null, devices: ds.length, active: ds.filter((d) => d.state === 'active').length, failed: ds.filter((d) => d.state === 'failed').length,
      errorRate: mean(ds.flatMap((d) => (d.metrics?.errorRate !== undefined ? [d.metrics.errorRate] : []))),
      latencyMs: mean(ds.flatMap((d) => (d.metrics?.latencyMs !== undefined ? [d.metrics.latencyMs] : []))),
    }];
  }));
  return { ...r, progress: { devices: devices.length, released, settled, ...counts }, failures, ...(arms ? { arms } : {}) };
}
