import { OutpostError } from '@outpost/contract';
import type { AlertQuery, AlertRecord } from './alert-store.js';
import type { RaiseInput } from './lifecycle.js';
import { OpenAlerts } from './open-alerts.js';

/**
 * Open alerts in memory only, for a host that persists the changes itself (the hub writes them
 * to its SQLite/PostgreSQL store from `onChanges`). Cleared alerts are forgotten here; their
 * history lives in the host's store. `open` re-seeds the alerts still open after a restart.
 */
export class MemoryAlertStore extends OpenAlerts {
  private nextId = 1;

  constructor(open: readonly Omit<AlertRecord, 'id'>[] = []) {
    super();
    for (const a of open) if (a.state !== 'cleared') this.keepOpen({ ...a, id: this.nextId++ });
  }

  protected insert(_a: RaiseInput, _at: number): number { return this.nextId++; }
  protected saveAck(): void { /* kept in memory only */ }
  protected saveClear(): void { /* kept in memory only */ }

  protected notOpen(id: number): OutpostError {
    return new OutpostError('ERR_QUERY_INVALID', `alert ${id} is not open (it does not exist or was already cleared)`, { id, status: 404 });
  }

  get(id: number): AlertRecord | undefined {
    for (const rec of this.open.values()) if (rec.id === id) return { ...rec };
    return undefined;
  }

  /** Open alerts only (this store keeps no history). */
  query(q: AlertQuery = {}): AlertRecord[] {
    if (q.state === 'cleared') return [];
    const out = [...this.open.values()].filter((a) => (q.state === undefined || q.state === 'open' || a.state === q.state)
      && (q.rule === undefined || a.rule === q.rule) && (q.device === undefined || a.device === q.device)
      && (q.since === undefined || a.raisedAt >= q.since) && (q.until === undefined || a.raisedAt < q.until));
    return out.sort((a, b) => b.id - a.id).slice(0, Math.min(Math.max(q.limit ?? 100, 1), 10_000)).map((a) => ({ ...a }));
  }

  transaction<T>(fn: () => T): T {
    return fn();
  }
}
