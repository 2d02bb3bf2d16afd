import type Database from 'better-sqlite3';
import { OutpostError, type Point } from '@outpost/contract';
import type { Severity } from '../types.js';
import type { RaiseInput } from './lifecycle.js';
import { OpenAlerts } from './open-alerts.js';

export type AlertState = 'raised' | 'acknowledged' | 'cleared';

export interface AlertRecord {
  id: number;
  rule: string;
  key: string;
  device: string;
  severity: Severity;
  state: AlertState;
  message: string;
  value: number | null;
  points: Point[];
  raisedAt: number;
  ackedAt: number | null;
  ackedBy: string | null;
  clearedAt: number | null;
  clearMessage: string | null;
}

/** One lifecycle change, as stored, sent to actions and enqueued for the hub. */
export interface AlertChange { change: 'raised' | 'acknowledged' | 'cleared'; at: number; alert: AlertRecord }

export interface AlertQuery { state?: AlertState | 'open'; rule?: string; device?: string; since?: number; until?: number; limit?: number }

interface Row { id: number; rule: string; alert_key: string; device: string; severity: string; state: string; message: string; value: number | null; points: string; raised_at: number; acked_at: number | null; acked_by: string | null; cleared_at: number | null; clear_message: string | null }

const toRecord = (r: Row): AlertRecord => ({
  id: r.id, rule: r.rule, key: r.alert_key, device: r.device, severity: r.severity as Severity, state: r.state as AlertState,
  message: r.message, value: r.value, points: JSON.parse(r.points) as Point[], raisedAt: r.raised_at,
  ackedAt: r.acked_at, ackedBy: r.acked_by, clearedAt: r.cleared_at, clearMessage: r.clear_message,
});

/** Runs `fn` in one SQLite transaction and returns its result. */
export type RunInTransaction = <T>(fn: () => T) => T;

type Write =
  | { op: 'raise'; id: number; a: RaiseInput; at: number }
  | { op: 'ack'; id: number; by: string; at: number }
  | { op: 'clear'; id: number; message: string; at: number };

/** What happened to an alert later in the batch that raised it. */
interface Later { ackedAt?: number; ackedBy?: string; clearedAt?: number; clearMessage?: string }

/**
 * Alerts in the gateway SQLite (migration 5): at most one open (raised or acknowledged) alert per
 * rule and key, so a raise for an open alert is a no-op and a clear without one is too.
 * Open alerts are cached in memory, so evaluation never reads the database; ids are given out
 * here (the table's AUTOINCREMENT sequence is read once at start), so a change is complete before
 * its row is written. Writes are queued: `transaction` writes its batch at the end, unless the
 * store is `deferred` — then they wait for `flush()` (the engine's record timer), so one
 * transaction carries many evaluated messages. Reads flush first, so history never lags.
 */
export class AlertStore extends OpenAlerts {
  private readonly ins: Database.Statement;
  private readonly insDone: Database.Statement;
  private readonly ack: Database.Statement;
  private readonly clr: Database.Statement;
  private readonly one: Database.Statement;
  private nextId: number;
  private writes: Write[] = [];
  private batching = false;

  /**
   * `runInTransaction`: how a batch of changes is committed; the gateway passes its store's
   * transactionSyncLater, so the disk sync of alert records does not hold up the actions.
   */
  constructor(private readonly db: Database.Database, private readonly runInTransaction: RunInTransaction = (fn) => db.transaction(fn)(), private readonly deferred = false) {
    super();
    this.ins = db.prepare('INSERT INTO alerts (id, rule, alert_key, device, severity, state, message, value, points, raised_at) VALUES (?, ?, ?, ?, ?, \'raised\', ?, ?, ?, ?)');
    this.insDone = db.prepare('INSERT INTO alerts (id, rule, alert_key, device, severity, state, message, value, points, raised_at, acked_at, acked_by, cleared_at, clear_message) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)');
    this.ack = db.prepare('UPDATE alerts SET state = \'acknowledged\', acked_at = ?, acked_by = ? WHERE id = ?');
    this.clr = db.prepare('UPDATE alerts SET state = \'cleared\', cleared_at = ?, clear_message = ? WHERE id = ?');
    this.one = db.prepare('SELECT * FROM alerts WHERE id = ?');
    for (const r of db.prepare('SELECT * FROM alerts WHERE state != \'cleared\'').all() as Row[]) this.keepOpen(toRecord(r));
    // AUTOINCREMENT never reuses an id, not even of deleted rows: continue after the larger of both.
    const seq = db.prepare('SELECT seq FROM sqlite_sequence WHERE name = \'alerts\'').pluck().get() as number | undefined;
    const max = db.prepare('SELECT MAX(id) FROM alerts').pluck().get() as number | null;
    this.nextId = Math.max(seq ?? 0, max ?? 0) + 1;
  }

  protected insert(a: RaiseInput, at: number): number {
    const id = this.nextId++;
    this.queue({ op: 'raise', id, a, at });
    return id;
  }

  protected saveAck(id: number, by: string, at: number): void { this.queue({ op: 'ack', id, by, at }); }

  protected saveClear(id: number, message: string, at: number): void { this.queue({ op: 'clear', id, message, at }); }

  /** Changes not yet written (deferred store). */
  get pendingWrites(): number { return this.writes.length; }

  /**
   * Write every queued change in one transaction. An alert raised and then acknowledged or
   * cleared within one batch (a flapping signal, or `eachPoint` rules where the next point
   * clears) is inserted once in its final state instead of inserted and then updated.
   */
  flush(): void {
    if (this.writes.length === 0) return;
    const writes = this.writes;
    this.writes = [];
    const raisedHere = new Map<number, Later>();
    for (const w of writes) {
      if (w.op === 'raise') raisedHere.set(w.id, {});
      else {
        const later = raisedHere.get(w.id);
        if (!later) continue;
        if (w.op === 'ack') { later.ackedAt = w.at; later.ackedBy = w.by; } else { later.clearedAt = w.at; later.clearMessage = w.message; }
      }
    }
    this.runInTransaction(() => {
      for (const w of writes) {
        if (w.op === 'raise') {
          const later = raisedHere.get(w.id)!;
          if (later.ackedAt === undefined && later.clearedAt === undefined) {
            this.ins.run(w.id, w.a.rule, w.a.key, w.a.device, w.a.severity, w.a.message, w.a.value ?? null, JSON.stringify(w.a.points), w.at);
          } else {
            const state: AlertState = later.clearedAt !== undefined ? 'cleared' : 'acknowledged';
            this.insDone.run(w.id, w.a.rule, w.a.key, w.a.device, w.a.severity, state, w.a.message, w.a.value ?? null, JSON.stringify(w.a.points), w.at,
              later.ackedAt ?? null, later.ackedBy ?? null, later.clearedAt ?? null, later.clearMessage ?? null);
          }
        } else if (raisedHere.has(w.id)) continue; // folded into its insert above
        else if (w.op === 'ack') this.ack.run(w.at, w.by, w.id);
        else this.clr.run(w.at, w.message, w.id);
      }
    });
  }

  private queue(w: Write): void {
    this.writes.push(w);
    if (!this.batching && !this.deferred) this.flush();
  }

  protected notOpen(id: number, verb: string): OutpostError {
    const stored = this.get(id);
    if (!stored) return new OutpostError('ERR_QUERY_INVALID', `alert ${id} does not exist`, { id, status: 404 });
    return new OutpostError('ERR_QUERY_INVALID', `cannot ${verb} alert ${id}: it was already cleared at ${new Date(stored.clearedAt!).toISOString()}`, { id });
  }

  get(id: number): AlertRecord | undefined {
    this.flush();
    const r = this.one.get(id) as Row | undefined;
    return r ? toRecord(r) : undefined;
  }

  query(q: AlertQuery = {}): AlertRecord[] {
    this.flush();
    const where: string[] = [];
    const args: unknown[] = [];
    if (q.state === 'open') where.push('state != \'cleared\'');
    else if (q.state) { where.push('state = ?'); args.push(q.state); }
    if (q.rule) { where.push('rule = ?'); args.push(q.rule); }
    if (q.device) { where.push('device = ?'); args.push(q.device); }
    if (q.since !== undefined) { where.push('raised_at >= ?'); args.push(q.since); }
    if (q.until !== undefined) { where.push('raised_at < ?'); args.push(q.until); }
    const limit = Math.min(Math.max(q.limit ?? 100, 1), 10_000);
    const sql = `SELECT * FROM alerts ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY id DESC LIMIT ${limit}`;
    return (this.db.prepare(sql).all(...args) as Row[]).map(toRecord);
  }

  /** Run several changes as one batch: written in one transaction at the end (or at the next flush, when deferred). */
  transaction<T>(fn: () => T): T {
    if (this.batching) return fn();
    this.batching = true;
    try {
      return fn();
    } finally {
      this.batching = false;
      if (!this.deferred) this.flush();
    }
  }
}
