import type { HubStore } from '@outpost/storage/hub/index';
import { withHealth } from '../fleet/health-status.js';

export interface DeviceChange { id: string; name: string; status: string; lastSeenAt: number | null }
export type LiveListener = (event: string, data: unknown) => void;

/** Most devices one organisation's watch compares per tick; beyond it, changes of the rest are not pushed. */
const WATCH_LIMIT = 5000;

/**
 * One poller per organisation while anyone listens: every `everyMs` it derives each device's
 * status (online/degraded/offline, which also changes by the mere passing of time) and tells the
 * listeners which devices changed. Polling the store, not hooks in the heartbeat path, keeps
 * heartbeats as fast as before and sees changes made by other hub processes.
 */
export class DeviceWatch {
  private readonly orgs = new Map<string, { listeners: Set<LiveListener>; last: Map<string, string>; timer: NodeJS.Timeout; busy: boolean }>();

  constructor(private readonly store: HubStore, private readonly now: () => number, private readonly intervalS: number, private readonly everyMs: number) {}

  subscribe(orgId: string, fn: LiveListener): () => void {
    let o = this.orgs.get(orgId);
    if (!o) {
      const entry = { listeners: new Set<LiveListener>(), last: new Map<string, string>(), timer: setInterval(() => void this.tick(orgId), this.everyMs), busy: false };
      entry.timer.unref();
      this.orgs.set(orgId, entry);
      o = entry;
      void this.tick(orgId);
    }
    o.listeners.add(fn);
    return () => {
      const e = this.orgs.get(orgId);
      if (!e) return;
      e.listeners.delete(fn);
      if (e.listeners.size === 0) { clearInterval(e.timer); this.orgs.delete(orgId); }
    };
  }

  stop(): void {
    for (const o of this.orgs.values()) clearInterval(o.timer);
    this.orgs.clear();
  }

  private async tick(orgId: string): Promise<void> {
    const o = this.orgs.get(orgId);
    if (!o || o.busy) return;
    o.busy = true;
    try {
      const now = this.now();
      const { items } = await this.store.fleet.listDevices(orgId, { limit: WATCH_LIMIT, offset: 0, sort: 'name', order: 'asc' });
      const changed: DeviceChange[] = [];
      const seen = new Set<string>();
      for (const d of items) {
        const h = withHealth(d, now, this.intervalS);
        seen.add(d.id);
        const key = `${h.status}|${d.name}`;
        if (o.last.get(d.id) !== key) changed.push({ id: d.id, name: d.name, status: h.status, lastSeenAt: d.lastSeenAt });
        o.last.set(d.id, key);
      }
      for (const id of [...o.last.keys()]) if (!seen.has(id)) o.last.delete(id);
      if (changed.length) for (const fn of o.listeners) fn('devices', changed);
    } catch {
      // A failed poll (store closing, transient database error) is retried at the next tick.
    } finally {
      o.busy = false;
    }
  }
}
