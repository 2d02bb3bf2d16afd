import type { Point } from '@outpost/contract';
import type { HubPoint } from '@outpost/storage/hub/index';

/** Where uplinked points came from: their `device`/`metric` are the gateway's own names (stored as `<device>/<metric>` under the gateway). */
export interface PointOrigin { gateway: string }
export type StoredPointsListener = (orgId: string, points: readonly Point[], origin?: PointOrigin) => void;

/**
 * Points the hub has just committed, per organisation, for in-process consumers (cloud alert
 * rules). Listeners run synchronously after the commit and must not throw into the writer.
 */
export class PointFeed {
  private readonly listeners = new Set<StoredPointsListener>();

  constructor(private readonly log: { error(o: object, m: string): void }) {}

  on(fn: StoredPointsListener): () => void {
    this.listeners.add(fn);
    return () => { this.listeners.delete(fn); };
  }

  emit(orgId: string, points: readonly Point[], origin?: PointOrigin): void {
    if (points.length === 0) return;
    for (const fn of this.listeners) {
      try { fn(orgId, points, origin); } catch (e) { this.log.error({ err: e, orgId }, 'a stored-points listener failed'); }
    }
  }

  get active(): boolean { return this.listeners.size > 0; }
}

/** A stored hub point as the engine's Point (text values keep their text). */
export function pointOf(p: HubPoint): Point {
  return { device: p.deviceId, metric: p.metric, ts: p.ts, value: p.value ?? p.text ?? null, ...(p.unit ? { unit: p.unit } : {}) };
}
