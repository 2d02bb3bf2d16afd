import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Point } from '@outpost/contract';
import type { UplinkBatchRecord, UplinkStore } from './store.js';

const SCHEMA = `
CREATE TABLE IF NOT EXISTS uplink_batches (
  gateway TEXT NOT NULL, stream TEXT NOT NULL, seq INTEGER NOT NULL, sha256 TEXT NOT NULL,
  received_at INTEGER NOT NULL, points INTEGER NOT NULL, items INTEGER NOT NULL,
  PRIMARY KEY (gateway, stream, seq)
) WITHOUT ROWID;
-- No uniqueness on (device, metric, ts) on purpose: a duplicate delivery must be visible, not masked.
-- No secondary index: this table is the ingest log; the hub's time-series store is where queries go.
-- value: numbers as REAL/INTEGER, other values (boolean, string, null gap) as JSON text.
CREATE TABLE IF NOT EXISTS uplink_points (
  id INTEGER PRIMARY KEY, gateway TEXT NOT NULL, device TEXT NOT NULL, metric TEXT NOT NULL, ts INTEGER NOT NULL,
  value TEXT, quality TEXT, unit TEXT, tags TEXT, stream TEXT NOT NULL, seq INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS uplink_items (
  id INTEGER PRIMARY KEY, gateway TEXT NOT NULL, stream TEXT NOT NULL, seq INTEGER NOT NULL,
  item_id INTEGER NOT NULL, class TEXT NOT NULL, kind TEXT NOT NULL, created INTEGER NOT NULL, body BLOB NOT NULL
);
CREATE TABLE IF NOT EXISTS uplink_gateway_status (gateway TEXT PRIMARY KEY, at INTEGER NOT NULL, status TEXT NOT NULL);
`;

const ROW = '(?, ?, ?, ?, ?, ?, ?, ?, ?, ?)';
const ROWS_PER_INSERT = 50; // 500 parameters, well under SQLite's limit

/** UplinkStore on a SQLite file (WAL, synchronous FULL: an ack means on disk). */
export class SqliteUplinkStore implements UplinkStore {
  readonly db: Database.Database;
  private readonly commitTx: (b: UplinkBatchRecord) => 'stored' | 'duplicate' | 'conflict';

  constructor(path: string) {
    if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
    const db = new Database(path);
    this.db = db;
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = FULL');
    db.pragma('busy_timeout = 5000');
    db.exec(SCHEMA);
    const known = db.prepare('SELECT sha256 FROM uplink_batches WHERE gateway = ? AND stream = ? AND seq = ?').pluck();
    const insBatch = db.prepare('INSERT INTO uplink_batches (gateway, stream, seq, sha256, received_at, points, items) VALUES (?, ?, ?, ?, ?, ?, ?)');
    const insPoint = db.prepare(`INSERT INTO uplink_points (gateway, device, metric, ts, value, quality, unit, tags, stream, seq) VALUES ${ROW}`);
    // Multi-row inserts: one statement call per ${ROWS_PER_INSERT} points instead of one per point (3x faster).
    const insPoints = db.prepare(`INSERT INTO uplink_points (gateway, device, metric, ts, value, quality, unit, tags, stream, seq) VALUES ${Array(ROWS_PER_INSERT).fill(ROW).join(', ')}`);
    const insItem = db.prepare('INSERT INTO uplink_items (gateway, stream, seq, item_id, class, kind, created, body) VALUES (?, ?, ?, ?, ?, ?, ?, ?)');
    const upStatus = db.prepare('INSERT INTO uplink_gateway_status (gateway, at, status) VALUES (?, ?, ?) ON CONFLICT (gateway) DO UPDATE SET at = excluded.at, status = excluded.status');
    this.commitTx = db.transaction((b: UplinkBatchRecord) => {
      const prior = known.get(b.gateway, b.stream, b.seq) as string | undefined;
      if (prior !== undefined) return prior === b.sha256 ? 'duplicate' : 'conflict';
      insBatch.run(b.gateway, b.stream, b.seq, b.sha256, b.receivedAt, b.points.length, b.items.length);
      const args: unknown[] = [];
      const row = (p: Point) => args.push(b.gateway, p.device, p.metric, p.ts, typeof p.value === 'number' ? p.value : JSON.stringify(p.value), p.quality ?? null, p.unit ?? null, p.tags ? JSON.stringify(p.tags) : null, b.stream, b.seq);
      const whole = b.points.length - (b.points.length % ROWS_PER_INSERT);
      for (let i = 0; i < whole; i += ROWS_PER_INSERT) {
        args.length = 0;
        for (let k = i; k < i + ROWS_PER_INSERT; k++) row(b.points[k]!);
        insPoints.run(args);
      }
      for (let i = whole; i < b.points.length; i++) { args.length = 0; row(b.points[i]!); insPoint.run(args); }
      for (const i of b.items) insItem.run(b.gateway, b.stream, b.seq, i.id, i.class, i.kind, i.createdMs, Buffer.from(i.body));
      if (b.status) upStatus.run(b.gateway, b.receivedAt, JSON.stringify(b.status));
      return 'stored';
    });
  }

  async commitBatch(b: UplinkBatchRecord): Promise<'stored' | 'duplicate' | 'conflict'> {
    return this.commitTx(b);
  }

  /** The latest buffer status each gateway reported (the uplink's heartbeat). */
  gatewayStatus(gateway: string): { at: number; status: unknown } | undefined {
    const r = this.db.prepare('SELECT at, status FROM uplink_gateway_status WHERE gateway = ?').get(gateway) as { at: number; status: string } | undefined;
    return r ? { at: r.at, status: JSON.parse(r.status) as unknown } : undefined;
  }

  async close(): Promise<void> {
    if (this.db.open) this.db.close();
  }
}
