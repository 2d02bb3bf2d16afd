import type { UplinkStatus } from './uplink.js';

/**
 * The uplink's part of the gateway heartbeat (`HeartbeatRequest.buffer` in
 * @outpost/contract/api/hub): totals the hub's fleet view shows, plus the per-class detail.
 */
export function heartbeatBuffer(s: UplinkStatus): Record<string, unknown> & { pendingBatches: number; pendingBytes: number; oldestPendingMs: number | null } {
  const classes = Object.values(s.pending);
  const ages = classes.map((c) => c.oldestAgeMs).filter((a): a is number => a !== null);
  return {
    pendingBatches: s.openBatch === null ? 0 : 1,
    pendingBytes: classes.reduce((a, c) => a + c.bytes, 0),
    oldestPendingMs: ages.length > 0 ? Math.max(...ages) : null,
    pendingPoints: classes.reduce((a, c) => a + c.points, 0),
    pendingByClass: s.pending,
    capacityBytes: s.capacity.maxBytes,
    usedRatio: s.capacity.ratio,
    droppedPoints: s.droppedPoints,
    drainPointsPerS: s.drainPointsPerS,
    link: s.link.state,
    lastError: s.link.lastError,
  };
}
