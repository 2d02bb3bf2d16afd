import type Database from 'better-sqlite3';

export interface DeliveryEntry { at: number; alertId: number; rule: string; action: string; target: string; attempt: number; outcome: 'ok' | 'retry' | 'failed' | 'dropped'; status?: number; detail?: string }

/** Where every action attempt is recorded (the gateway's SQLite table, or the hub's store). */
export interface DeliverySink { record(e: DeliveryEntry): void }

/** The `alert_deliveries` table: one row per attempt, trimmed to the newest `maxRows`. */
export class DeliveryLog implements DeliverySink {
  private readonly ins: Database.Statement;
  private readonly trim: Database.Statement;
  private writes = 0;
  constructor(readonly db: Database.Database, private readonly maxRows = 100_000) {
    this.ins = db.prepare('INSERT INTO alert_deliveries (at, alert_id, rule, action, target, attempt, outcome, status, detail) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)');
    this.trim = db.prepare('DELETE FROM alert_deliveries WHERE id <= (SELECT MAX(id) FROM alert_deliveries) - ?');
  }
  record(e: DeliveryEntry): void {
    this.ins.run(e.at, e.alertId, e.rule, e.action, e.target, e.attempt, e.outcome, e.status ?? null, e.detail?.slice(0, 1000) ?? null);
    if (++this.writes % 1000 === 0) this.trim.run(this.maxRows);
  }
  list(limit = 100): unknown[] {
    return this.db.prepare('SELECT * FROM alert_deliveries ORDER BY id DESC LIMIT ?').all(Math.min(limit, 10_000));
  }
}
