import { OutpostError } from '@outpost/contract';
import type { AlertChange, AlertQuery, AlertRecord } from './alert-store.js';
import type { AlertLifecycle, RaiseInput } from './lifecycle.js';

/**
 * Open alerts in memory only, for a host that persists the changes itself (the hub writes them
 * to its SQLite/PostgreSQL store from `onChanges`). Cleared alerts are forgotten here; their
 * history lives in the host's store. `open` re-seeds the alerts still open after a restart.
 */
export class MemoryAlertStore implements AlertLifecycle {
  private readonly open = new Map<string, AlertRecord>();
  private nextId = 1;

  constructor(open: readonly Omit<AlertRecord, 'id'>[] = []) {
    for (const a of open) {
      if (a.state === 'cleared') continue;
      const rec = { ...a, id: this.nextId++ };
      this.open.set(`${a.rule}\u0000${a.key}`, rec);
    }
  }

  isOpen(rule: string, key: string): boolean {
    return this.open.has(`${rule}\u0000${key}`);
  }

  raise(a: RaiseInput, at: number): AlertChange | undefined {
    const k = `${a.rule}\u0000${a.key}`;
    if (this.open.has(k)) return undefined;
    const rec: AlertRecord = { id: this.nextId++, rule: a.rule, key: a.key, device: a.device, severity: a.severity, state: 'raised', message: a.message, value: a.value ?? null, points: [...a.points], raisedAt: at, ackedAt: null, ackedBy: null, clearedAt: null, clearMessage: null };
    this.open.set(k, rec);
    return { change: 'raised', at, alert: { ...rec } };
  }

  clearKey(rule: string, key: string, message: string, at: number): AlertChange | undefined {
    const rec = this.open.get(`${rule}\u0000${key}`);
    return rec ? this.clearRecord(rec, message, at) : undefined;
  }

  acknowledge(id: number, by: string, at: number): AlertChange {
    const rec = this.byId(id);
    if (rec.state === 'acknowledged') throw new OutpostError('ERR_QUERY_INVALID', `alert ${id} is already acknowledged (at ${new Date(rec.ackedAt!).toISOString()} by ${rec.ackedBy})`, { id });
    Object.assign(rec, { state: 'acknowledged', ackedAt: at, ackedBy: by });
    return { change: 'acknowledged', at, alert: { ...rec } };
  }

  clear(id: number, message: string, at: number): AlertChange {
    return this.clearRecord(this.byId(id), message, at);
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

  private clearRecord(rec: AlertRecord, message: string, at: number): AlertChange {
    this.open.delete(`${rec.rule}\u0000${rec.key}`);
    Object.assign(rec, { state: 'cleared', clearedAt: at, clearMessage: message });
    return { change: 'cleared', at, alert: { ...rec } };
  }

  private byId(id: number): AlertRecord {
    for (const rec of this.open.values()) if (rec.id === id) return rec;
    throw new OutpostError('ERR_QUERY_INVALID', `alert ${id} is not open (it does not exist or was already cleared)`, { id, status: 404 });
  }
}
