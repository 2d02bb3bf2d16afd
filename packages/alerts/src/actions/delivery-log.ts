import type { RunInTransaction } from '../lifecycle/alert-store.js';
import type Database from 'better-sqlite3';

export interface DeliveryEntry { at: number; alertId: number; rule: string; action: string; target: string; attempt: number; outcome: 'ok' | 'retry' | 'failed' | 'dropped'; status?: number; detail?: string }

/** Where every action attempt is recorded (the gateway's SQLite table, or the hub's store). */
export interface DeliverySink { record(e: DeliveryEntry): void; /** Write anything buffered (called at stop). */ flush?(): void }

/** Entries buffered before a write is forced inline. */
const MAX_BUFFERED = 1000;
/** Longest a row waits in the buffer (reads and stop flush at once). */
const FLUSH_MS = 25;

/**
 * The `alert_deliveries` table: one row per attempt, trimmed to the newest `maxRows`. Rows are
 * buffered and written in one transaction at most every 25 ms: under an alert storm an insert
 * (and its commit) per attempt cost more than evaluating the rules (bench:alerts profile), and
 * one transaction per event-loop turn still meant about one per alert, since each MQTT action's
 * PUBACK arrives in its own turn (~10 % of the gateway's CPU in the edge-pipeline job profile).
 * A crash loses at most the last 25 ms of log rows, never an alert.
 */
export class DeliveryLog implements DeliverySink {
  private readonly ins: Database.Statement;
  private readonly trim: Database.Statement;
  private readonly writeAll: (rows: readonly DeliveryEntry[]) => void;
  private buffer: DeliveryEntry[] = [];
  private scheduled: NodeJS.Timeout | undefined;
  private writes = 0;

  constructor(readonly db: Database.Database, private readonly maxRows = 100_000, runInTransaction: RunInTransaction = (fn) => db.transaction(fn)()) {
    this.ins = db.prepare('INSERT INTO alert_deliveries (at, alert_id, rule, action, target, attempt, outcome, status, detail) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)');
    this.trim = db.prepare('DELETE FROM alert_deliveries WHERE id <= (SELECT MAX(id) FROM alert_deliveries) - ?');
    this.writeAll = (rows: readonly DeliveryEntry[]) => runInTransaction(() => {
      for (const e of rows) this.ins.run(e.at, e.alertId, e.rule, e.action, e.target, e.attempt, e.outcome, e.status ?? null, e.detail?.slice(0, 1000) ?? null);
      const before = this.writes;
      this.writes += rows.length;
      if (Math.floor(before / 1000) !== Math.floor(this.writes / 1000)) this.trim.run(this.maxRows);
    });
  }

  record(e: DeliveryEntry): void {
    this.buffer.push(e);
    if (this.buffer.length >= MAX_BUFFERED) this.flush();
    else if (!this.scheduled) {
      this.scheduled = setTimeout(() => this.flush(), FLUSH_MS);
      this.scheduled.unref();
    }
  }

  /** Write what is buffered now (also before every read, so the log never lags its readers). */
  flush(): void {
    if (this.scheduled) clearTimeout(this.scheduled);
    this.scheduled = undefined;
    if (this.buffer.length === 0 || !this.db.open) return;
    const rows = this.buffer;
    this.buffer = [];
    this.writeAll(rows);
  }

  list(limit = 100): unknown[] {
    this.flush();
    return this.db.prepare('SELECT * FROM alert_deliveries ORDER BY id DESC LIMIT ?').all(Math.min(limit, 10_000));
  }
}
