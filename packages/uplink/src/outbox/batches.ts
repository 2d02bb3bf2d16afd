import type Database from 'better-sqlite3';
import { className, type PriorityClass } from './classes.js';
import type { Outbox } from './outbox.js';

export interface OutboxItemRow { id: number; class: number; kind: string; created: number; points: number; bytes: number; body: Buffer }

/** A batch with its sequence number fixed and its wire bytes stored: re-sends are byte-identical. */
export interface StoredBatch {
  seq: number;
  created: number;
  items: number;
  points: number;
  encoding: string;
  sha256: string;
  body: Buffer;
}

export interface BuiltBody { encoding: string; sha256: string; body: Buffer }
export interface BatchLimits { maxPoints: number; maxBytes: number }

/**
 * Batches of the outbox. A batch is assigned (sequence number taken, items marked, wire bytes
 * stored) in one transaction before it is sent, so after any crash the same sequence number
 * always carries the same items: the hub's dedup by (gateway, stream, seq) then makes delivery
 * exactly-once. Only one batch is open at a time, so sequence numbers reach the hub in order.
 */
export class OutboxBatches {
  private readonly db: Database.Database;
  constructor(private readonly outbox: Outbox) {
    this.db = outbox.db;
  }

  /** The assigned batch not yet acknowledged (after a crash or a failed send), if any. */
  open(): StoredBatch | undefined {
    return this.db.prepare('SELECT seq, created, items, points, encoding, sha256, body FROM outbox_batches ORDER BY seq LIMIT 1').get() as StoredBatch | undefined;
  }

  /**
   * Take the next items in drain order (class, then id: priority first, arrival order within a
   * class), at least one and then up to the limits, and fix them as batch `seq` with the bytes
   * `build` returns. Expired items are dropped first. Returns undefined when nothing is pending.
   */
  assign(limits: BatchLimits, build: (seq: number, items: OutboxItemRow[]) => BuiltBody): StoredBatch | undefined {
    this.outbox.expire();
    return this.db.transaction(() => {
      const rows = this.db.prepare('SELECT id, class, kind, created, points, bytes, body FROM outbox WHERE batch IS NULL ORDER BY class, id LIMIT ?').iterate(Math.max(1, limits.maxPoints)) as IterableIterator<OutboxItemRow>;
      const items: OutboxItemRow[] = [];
      let points = 0; let bytes = 0;
      for (const r of rows) {
        if (items.length > 0 && (points + r.points > limits.maxPoints || bytes + r.bytes > limits.maxBytes)) break;
        items.push(r); points += r.points; bytes += r.bytes;
      }
      if (items.length === 0) return undefined;
      const seq = this.db.prepare("SELECT value FROM outbox_state WHERE key = 'next_seq'").pluck().get() as number;
      const built = build(seq, items);
      const created = Date.now();
      this.db.prepare("UPDATE outbox_state SET value = ? WHERE key = 'next_seq'").run(seq + 1);
      this.db.prepare('INSERT INTO outbox_batches (seq, created, items, points, encoding, sha256, body) VALUES (?, ?, ?, ?, ?, ?, ?)')
        .run(seq, created, items.length, points, built.encoding, built.sha256, built.body);
      const mark = this.db.prepare('UPDATE outbox SET batch = ? WHERE id = ?');
      for (const it of items) mark.run(seq, it.id);
      return { seq, created, items: items.length, points, ...built };
    })();
  }

  /** The hub has the batch durably: delete it and its items. Returns per-class point counts delivered. */
  ack(seq: number): Partial<Record<PriorityClass, number>> {
    return this.db.transaction(() => {
      const byClass = this.classTotals(seq);
      this.db.prepare('DELETE FROM outbox WHERE batch = ?').run(seq);
      this.db.prepare('DELETE FROM outbox_batches WHERE seq = ?').run(seq);
      let bytes = 0;
      const out: Partial<Record<PriorityClass, number>> = {};
      for (const r of byClass) { bytes += r.b; out[className(r.class)] = r.p; }
      this.outbox.released(bytes);
      return out;
    })();
  }

  /** The hub rejected the batch as permanently invalid: keep it for inspection, count its items as dropped, move on. */
  deadLetter(seq: number, status: number, code: string, reason: string, maxRows = 1000): void {
    this.db.transaction(() => {
      const b = this.db.prepare('SELECT items, points, body FROM outbox_batches WHERE seq = ?').get(seq) as { items: number; points: number; body: Buffer } | undefined;
      if (!b) return;
      this.db.prepare('INSERT INTO outbox_dead_letters (at, seq, status, code, reason, items, points, body) VALUES (?, ?, ?, ?, ?, ?, ?, ?)')
        .run(Date.now(), seq, status, code, reason.slice(0, 2000), b.items, b.points, b.body);
      this.db.prepare('DELETE FROM outbox_dead_letters WHERE id <= (SELECT MAX(id) FROM outbox_dead_letters) - ?').run(maxRows);
      let bytes = 0;
      for (const r of this.classTotals(seq)) { this.outbox.recordDrop(r.class, 'rejected', r.n, r.p, r.b); bytes += r.b; }
      this.db.prepare('DELETE FROM outbox WHERE batch = ?').run(seq);
      this.db.prepare('DELETE FROM outbox_batches WHERE seq = ?').run(seq);
      this.outbox.released(bytes);
    })();
  }

  /**
   * The hub refused the batch without storing it (e.g. 413 too large): free its items for a new,
   * smaller batch. The sequence number is not reused; the hub never stored it.
   */
  release(seq: number): void {
    this.db.transaction(() => {
      this.db.prepare('UPDATE outbox SET batch = NULL WHERE batch = ?').run(seq);
      this.db.prepare('DELETE FROM outbox_batches WHERE seq = ?').run(seq);
    })();
  }

  deadLetters(limit = 100): Array<{ id: number; at: number; seq: number; status: number; code: string; reason: string; items: number; points: number }> {
    return this.db.prepare('SELECT id, at, seq, status, code, reason, items, points FROM outbox_dead_letters ORDER BY id DESC LIMIT ?').all(limit) as never;
  }

  private classTotals(seq: number): Array<{ class: number; n: number; p: number; b: number }> {
    return this.db.prepare('SELECT class, COUNT(*) AS n, SUM(points) AS p, SUM(bytes) AS b FROM outbox WHERE batch = ? GROUP BY class').all(seq) as Array<{ class: number; n: number; p: number; b: number }>;
  }
}
