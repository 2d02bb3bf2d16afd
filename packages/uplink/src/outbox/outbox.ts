import { randomUUID } from 'node:crypto';
import { OutpostError, type Point } from '@outpost/contract';
import { encodePointSet } from '@outpost/contract/wire/index';
import type { GatewayStore } from '@outpost/storage';
import type Database from 'better-sqlite3';
import { classCode, className, DEFAULT_LIMITS, PRIORITY_CLASSES, type DropReason, type OutboxLimits, type PriorityClass } from './classes.js';
import { OutboxBatches } from './batches.js';

export interface OutboxOptions {
  limits?: Partial<OutboxLimits>;
  now?: () => number;
  /** Largest number of points in one outbox item; a bigger commit becomes several items. */
  maxItemPoints?: number;
  /** Called after an enqueue that moved usage across a capacity level (0.8, 0.95). */
  onCapacity?: (level: number, usedBytes: number, maxBytes: number) => void;
}

export interface ClassCounts { items: number; points: number; bytes: number; oldestCreated: number | null }
export type DropCounts = Record<PriorityClass, Record<DropReason, { items: number; points: number; bytes: number }>>;

export const CAPACITY_LEVELS = [0.8, 0.95] as const;

/**
 * The uplink outbox on the gateway's SQLite database. Every write is a transaction of its own
 * (or a savepoint inside the caller's, e.g. the store's commit hook), and drops are counted in
 * the same transaction as the delete, so the counters stay exact across crashes.
 */
export class Outbox {
  readonly db: Database.Database;
  readonly stream: string;
  readonly batches: OutboxBatches;
  readonly limits: OutboxLimits;
  private readonly now: () => number;
  private readonly maxItemPoints: number;
  private readonly onCapacity: OutboxOptions['onCapacity'];
  private usedBytes: number;
  private armed: boolean[] = CAPACITY_LEVELS.map(() => true);
  private readonly listeners = new Set<() => void>();
  private readonly insert: Database.Statement;
  private readonly countDrop: Database.Statement;

  constructor(store: GatewayStore, opts: OutboxOptions = {}) {
    this.db = store.db;
    this.now = opts.now ?? Date.now;
    this.limits = { ...DEFAULT_LIMITS, ...opts.limits, ttlMs: { ...DEFAULT_LIMITS.ttlMs, ...opts.limits?.ttlMs } };
    this.maxItemPoints = opts.maxItemPoints ?? 5000;
    this.onCapacity = opts.onCapacity;
    const db = this.db;
    this.insert = db.prepare('INSERT INTO outbox (class, kind, created, expires, points, bytes, body) VALUES (?, ?, ?, ?, ?, ?, ?)');
    this.countDrop = db.prepare(`INSERT INTO outbox_drops (class, reason, items, points, bytes) VALUES (?, ?, ?, ?, ?)
      ON CONFLICT (class, reason) DO UPDATE SET items = items + excluded.items, points = points + excluded.points, bytes = bytes + excluded.bytes`);
    this.stream = db.transaction(() => {
      const s = db.prepare("SELECT value FROM outbox_state WHERE key = 'stream'").pluck().get() as string | undefined;
      if (s !== undefined) return s;
      const fresh = randomUUID();
      db.prepare("INSERT INTO outbox_state (key, value) VALUES ('stream', ?), ('next_seq', 1)").run(fresh);
      return fresh;
    })();
    this.usedBytes = (db.prepare('SELECT COALESCE(SUM(bytes), 0) FROM outbox').pluck().get() as number);
    this.batches = new OutboxBatches(this);
  }

  /** Notified after every enqueue (the drain loop wakes on it). */
  onEnqueue(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /**
   * Add an item: `kind` names the feature (alert, event, rollup, health, …); a JSON value or a
   * string is stored as UTF-8 JSON text, bytes as given. Returns the item id, or undefined when
   * the drop policy dropped the item itself (counted as `capacity`).
   */
  enqueue(cls: PriorityClass, kind: string, payload: unknown, points = 0): number | undefined {
    const code = classCode(cls);
    if (typeof kind !== 'string' || kind.length === 0 || kind.length > 64) {
      throw new OutpostError('ERR_OUTBOX_INVALID', `outbox kind: expected a name of 1–64 characters, got ${JSON.stringify(kind)}`, { kind });
    }
    let body: Buffer;
    if (payload instanceof Uint8Array) body = Buffer.from(payload.buffer, payload.byteOffset, payload.byteLength);
    else {
      const text = typeof payload === 'string' ? payload : JSON.stringify(payload);
      if (text === undefined) throw new OutpostError('ERR_OUTBOX_INVALID', `outbox payload for kind ${kind}: expected bytes, a string or a JSON value, got ${typeof payload}`, { kind });
      body = Buffer.from(text, 'utf8');
    }
    const id = this.db.transaction(() => this.insertItem(code, kind, body, points))();
    this.afterEnqueue();
    return id;
  }

  /** Points as `points` items of class `cls` (called from the store's commit hook, inside its transaction). */
  enqueuePoints(cls: PriorityClass, points: readonly Point[]): void {
    const code = classCode(cls);
    this.db.transaction(() => {
      for (let i = 0; i < points.length; i += this.maxItemPoints) {
        const chunk = points.slice(i, i + this.maxItemPoints);
        this.insertItem(code, 'points', Buffer.from(encodePointSet(chunk)), chunk.length);
      }
    })();
    this.afterEnqueue();
  }

  get used(): number {
    return this.usedBytes;
  }

  /** Adjust the in-memory byte count after rows were deleted elsewhere (acks, expiry). */
  released(bytes: number): void {
    this.usedBytes -= bytes;
    for (let i = 0; i < CAPACITY_LEVELS.length; i++) {
      // Re-arm a level once usage is 5 points below it, so a buffer hovering at 80 % does not flood events.
      if (!this.armed[i] && this.usedBytes < (CAPACITY_LEVELS[i]! - 0.05) * this.limits.maxBytes) this.armed[i] = true;
    }
  }

  recordDrop(code: number, reason: DropReason, items: number, points: number, bytes: number): void {
    if (items > 0) this.countDrop.run(code, reason, items, points, bytes);
  }

  /** Delete unassigned items past their TTL or the outbox age limit; returns how many. */
  expire(): number {
    const now = this.now();
    // The database is the truth: a caller's transaction that rolled back after our hook ran may
    // have undone an insert or a drop this object already counted in memory.
    this.usedBytes = this.db.prepare('SELECT COALESCE(SUM(bytes), 0) FROM outbox').pluck().get() as number;
    return this.db.transaction(() => {
      const rows = this.db.prepare('SELECT class, COUNT(*) AS n, SUM(points) AS p, SUM(bytes) AS b FROM outbox WHERE batch IS NULL AND expires <= ? GROUP BY class').all(now) as Array<{ class: number; n: number; p: number; b: number }>;
      if (rows.length === 0) return 0;
      this.db.prepare('DELETE FROM outbox WHERE batch IS NULL AND expires <= ?').run(now);
      let n = 0;
      for (const r of rows) { this.recordDrop(r.class, 'expired', r.n, r.p, r.b); this.released(r.b); n += r.n; }
      return n;
    })();
  }

  pending(): Record<PriorityClass, ClassCounts> {
    const out = Object.fromEntries(PRIORITY_CLASSES.map((c) => [c, { items: 0, points: 0, bytes: 0, oldestCreated: null }])) as Record<PriorityClass, ClassCounts>;
    const rows = this.db.prepare('SELECT class, COUNT(*) AS n, SUM(points) AS p, SUM(bytes) AS b, MIN(created) AS o FROM outbox GROUP BY class').all() as Array<{ class: number; n: number; p: number; b: number; o: number }>;
    for (const r of rows) out[className(r.class)] = { items: r.n, points: r.p, bytes: r.b, oldestCreated: r.o };
    return out;
  }

  drops(): DropCounts {
    const out = Object.fromEntries(PRIORITY_CLASSES.map((c) => [c, { capacity: zero(), expired: zero(), rejected: zero() }])) as DropCounts;
    const rows = this.db.prepare('SELECT class, reason, items, points, bytes FROM outbox_drops').all() as Array<{ class: number; reason: DropReason; items: number; points: number; bytes: number }>;
    for (const r of rows) out[className(r.class)][r.reason] = { items: r.items, points: r.points, bytes: r.bytes };
    return out;
  }

  private insertItem(code: number, kind: string, body: Buffer, points: number): number | undefined {
    const need = body.length;
    if (this.usedBytes + need > this.limits.maxBytes && !this.makeRoom(code, need)) {
      this.recordDrop(code, 'capacity', 1, points, need);
      return undefined;
    }
    const now = this.now();
    const ttl = Math.min(this.limits.ttlMs[className(code)], this.limits.maxAgeMs);
    const id = Number(this.insert.run(code, kind, now, now + ttl, points, need, body).lastInsertRowid);
    this.usedBytes += need;
    return id;
  }

  /**
   * Drop the oldest unassigned items of the lowest class first, never a class above the new
   * item's (a low item does not push out a normal one) and critical only when configured.
   * Returns false when the new item itself must go. A critical item that may not be dropped is
   * admitted past the limit rather than lost.
   */
  private makeRoom(newCode: number, need: number): boolean {
    const select = this.db.prepare('SELECT id, points, bytes FROM outbox WHERE class = ? AND batch IS NULL ORDER BY id LIMIT 256');
    const del = this.db.prepare('DELETE FROM outbox WHERE id = ?');
    for (let code = PRIORITY_CLASSES.length - 1; code >= newCode; code--) {
      if (code === 0 && !this.limits.dropCritical) break;
      while (this.usedBytes + need > this.limits.maxBytes) {
        const rows = select.all(code) as Array<{ id: number; points: number; bytes: number }>;
        if (rows.length === 0) break;
        let items = 0; let points = 0; let bytes = 0;
        for (const r of rows) {
          if (this.usedBytes - bytes + need <= this.limits.maxBytes) break;
          del.run(r.id);
          items++; points += r.points; bytes += r.bytes;
        }
        this.recordDrop(code, 'capacity', items, points, bytes);
        this.released(bytes);
      }
      if (this.usedBytes + need <= this.limits.maxBytes) return true;
    }
    return newCode === 0 && !this.limits.dropCritical;
  }

  private afterEnqueue(): void {
    const ratio = this.usedBytes / this.limits.maxBytes;
    for (let i = 0; i < CAPACITY_LEVELS.length; i++) {
      if (this.armed[i] && ratio >= CAPACITY_LEVELS[i]!) {
        this.armed[i] = false;
        this.onCapacity?.(CAPACITY_LEVELS[i]!, this.usedBytes, this.limits.maxBytes);
      }
    }
    for (const l of this.listeners) l();
  }
}

const zero = () => ({ items: 0, points: 0, bytes: 0 });
