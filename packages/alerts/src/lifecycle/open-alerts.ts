import { OutpostError } from '@outpost/contract';
import type { AlertChange, AlertQuery, AlertRecord } from './alert-store.js';
import type { AlertLifecycle, RaiseInput } from './lifecycle.js';

/**
 * The lifecycle rules both stores share: open alerts kept in memory by rule and key, at most one
 * per key (a raise for an open key and a clear without one are no-ops). Subclasses persist each
 * change (`insert`, `saveAck`, `saveClear`) and answer history queries.
 */
export abstract class OpenAlerts implements AlertLifecycle {
  protected readonly open = new Map<string, AlertRecord>();

  /** Persist a new alert; returns its id. */
  protected abstract insert(a: RaiseInput, at: number): number;
  protected abstract saveAck(id: number, by: string, at: number): void;
  protected abstract saveClear(id: number, message: string, at: number): void;
  /** The error for an id that is not open: unknown (404) or already cleared. */
  protected abstract notOpen(id: number, verb: string): OutpostError;
  abstract get(id: number): AlertRecord | undefined;
  abstract query(q?: AlertQuery): AlertRecord[];
  abstract transaction<T>(fn: () => T): T;

  isOpen(rule: string, key: string): boolean {
    return this.open.has(`${rule}\u0000${key}`);
  }

  raise(a: RaiseInput, at: number): AlertChange | undefined {
    const k = `${a.rule}\u0000${a.key}`;
    if (this.open.has(k)) return undefined;
    const id = this.insert(a, at);
    const rec: AlertRecord = { id, rule: a.rule, key: a.key, device: a.device, severity: a.severity, state: 'raised', message: a.message, value: a.value ?? null, points: [...a.points], raisedAt: at, ackedAt: null, ackedBy: null, clearedAt: null, clearMessage: null };
    this.open.set(k, rec);
    return { change: 'raised', at, alert: { ...rec } };
  }

  /** Clear the open alert of a rule and key (from evaluation); undefined when none is open. */
  clearKey(rule: string, key: string, message: string, at: number): AlertChange | undefined {
    const rec = this.open.get(`${rule}\u0000${key}`);
    return rec ? this.clearRecord(rec, message, at) : undefined;
  }

  acknowledge(id: number, by: string, at: number): AlertChange {
    const rec = this.openById(id, 'acknowledge');
    if (rec.state === 'acknowledged') throw new OutpostError('ERR_QUERY_INVALID', `alert ${id} is already acknowledged (at ${new Date(rec.ackedAt!).toISOString()} by ${rec.ackedBy})`, { id });
    this.saveAck(id, by, at);
    Object.assign(rec, { state: 'acknowledged', ackedAt: at, ackedBy: by });
    return { change: 'acknowledged', at, alert: { ...rec } };
  }

  /** Manual clear (operator); evaluation may raise the same key again later. */
  clear(id: number, message: string, at: number): AlertChange {
    return this.clearRecord(this.openById(id, 'clear'), message, at);
  }

  protected keepOpen(rec: AlertRecord): void {
    this.open.set(`${rec.rule}\u0000${rec.key}`, rec);
  }

  private clearRecord(rec: AlertRecord, message: string, at: number): AlertChange {
    this.saveClear(rec.id, message, at);
    this.open.delete(`${rec.rule}\u0000${rec.key}`);
    Object.assign(rec, { state: 'cleared', clearedAt: at, clearMessage: message });
    return { change: 'cleared', at, alert: { ...rec } };
  }

  private openById(id: number, verb: string): AlertRecord {
    for (const rec of this.open.values()) if (rec.id === id) return rec;
    throw this.notOpen(id, verb);
  }
}
