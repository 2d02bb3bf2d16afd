import { IN_FLIGHT, type Rollout, type RolloutDevice } from '@outpost/storage/hub/index';
import type { GatesT, StrategyT } from './schemas.js';
import { waitAfter } from './plan.js';

export type Step =
  | { kind: 'trip'; reason: string }
  | { kind: 'batch_done' }
  | { kind: 'release'; batch: number }
  | { kind: 'complete' }
  | { kind: 'wait' };

export interface Evaluation {
  /** Devices the hub fails itself, with the reason (silence past the timeout, health figures past a gate). */
  fail: Array<{ deviceId: string; error: string }>;
  step: Step;
}

const inFlight = (d: RolloutDevice) => (IN_FLIGHT as readonly string[]).includes(d.state);

/**
 * The deployment controller's decision for one running deployment at `now`: pure, so every rule
 * (timeouts, gates, batch progression) is testable without a hub. The caller applies it.
 */
export function evaluate(r: Rollout, devices: RolloutDevice[], now: number): Evaluation {
  const gates = r.gates as GatesT;
  const fail: Evaluation['fail'] = [];
  for (const d of devices) {
    if (d.releasedAt === null) continue;
    if (inFlight(d) && now - d.stateAt >= r.deviceTimeoutS * 1000) fail.push({ deviceId: d.deviceId, error: `no report within ${r.deviceTimeoutS}s (last state: ${d.state})` });
    else if (d.state === 'active' && d.metrics) {
      if (gates.maxErrorRate !== undefined && (d.metrics.errorRate ?? 0) > gates.maxErrorRate) fail.push({ deviceId: d.deviceId, error: `gate: error rate ${d.metrics.errorRate} above ${gates.maxErrorRate}` });
      else if (gates.maxLatencyMs !== undefined && (d.metrics.latencyMs ?? 0) > gates.maxLatencyMs) fail.push({ deviceId: d.deviceId, error: `gate: latency ${d.metrics.latencyMs} ms above ${gates.maxLatencyMs} ms` });
    }
  }
  const failedNow = new Set(fail.map((f) => f.deviceId));
  const counted = devices.filter((d) => d.releasedAt !== null && d.batch >= (gates.fromBatch ?? 0));
  const failures = counted.filter((d) => d.state === 'failed' || failedNow.has(d.deviceId)).length;
  if (gates.maxFailures !== undefined && failures > gates.maxFailures) {
    return { fail, step: { kind: 'trip', reason: `gate tripped: ${failures} of ${counted.length} released devices failed (maxFailures ${gates.maxFailures})` } };
  }
  if (gates.maxFailurePct !== undefined && counted.length > 0 && (failures * 100) / counted.length > gates.maxFailurePct) {
    return { fail, step: { kind: 'trip', reason: `gate tripped: ${failures} of ${counted.length} released devices failed (${Math.round((failures * 1000) / counted.length) / 10}% > maxFailurePct ${gates.maxFailurePct}%)` } };
  }
  const lastBatch = Math.max(...devices.map((d) => d.batch));
  const current = devices.filter((d) => d.batch === r.batch);
  if (current.some((d) => inFlight(d) && !failedNow.has(d.deviceId))) return { fail, step: { kind: 'wait' } };
  if (r.batchDoneAt === null) return { fail, step: { kind: 'batch_done' } };
  if (now - r.batchDoneAt < waitAfter(r.strategy as StrategyT, r.batch, lastBatch) * 1000) return { fail, step: { kind: 'wait' } };
  return { fail, step: r.batch < lastBatch ? { kind: 'release', batch: r.batch + 1 } : { kind: 'complete' } };
}
