export type LiveListener = (event: string, data: unknown) => void;

/** What a watch compares between ticks: per item id, a key that changes when the item does, and what to send. */
export type Snapshot = (orgId: string) => Promise<Map<string, { key: string; item: unknown }>>;

/**
 * One poller per organisation while anyone listens: every `everyMs` it takes a snapshot and tells
 * the listeners which items changed or went away (`{ changed, removed }` under `event`). Polling
 * the store, rather than hooks in the write paths, keeps heartbeats and ingest as fast as before,
 * sees changes made by other hub processes, and sees changes that happen by the passing of time
 * (a device turning offline).
 */
export class OrgWatch {
  private readonly orgs = new Map<string, { listeners: Set<LiveListener>; last: Map<string, string>; timer: NodeJS.Timeout; busy: boolean }>();

  constructor(private readonly event: string, private readonly snapshot: Snapshot, private readonly everyMs: number) {}

  subscribe(orgId: string, fn: LiveListener): () => void {
    let o = this.orgs.get(orgId);
    if (!o) {
      o = { listeners: new Set<LiveListener>(), last: new Map<string, string>(), timer: setInterval(() => void this.tick(orgId), this.everyMs), busy: false };
      o.timer.unref();
      this.orgs.set(orgId, o);
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
      const now = await this.snapshot(orgId);
      const changed: unknown[] = [];
      for (const [id, { key, item }] of now) if (o.last.get(id) !== key) changed.push(item);
      const removed = [...o.last.keys()].filter((id) => !now.has(id));
      o.last = new Map([...now].map(([id, v]) => [id, v.key]));
      if (changed.length || removed.length) for (const fn of o.listeners) fn(this.event, { changed, removed });
    } catch {
      // A failed poll (store closing, transient database error) is retried at the next tick.
    } finally {
      o.busy = false;
    }
  }
}
