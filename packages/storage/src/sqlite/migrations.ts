import type Database from 'better-sqlite3';

/**
 * Gateway store schema, one entry per version (PRAGMA user_version). Append only: a released
 * migration is never edited. Later issues (rollups, outbox, alerts) add their tables here.
 */
export const GATEWAY_MIGRATIONS: readonly string[] = [
  // 1: series, raw points, dead letters
  `
  CREATE TABLE series (
    id INTEGER PRIMARY KEY,
    device TEXT NOT NULL,
    metric TEXT NOT NULL,
    UNIQUE (device, metric)
  );
  -- Clustered by time: new points land on the right edge of the B-tree, so a commit dirties a
  -- handful of pages whatever the number of series (a (series, ts) key dirties one page per
  -- series per commit and runs ~10x slower). The key also de-duplicates (device, metric, ts).
  CREATE TABLE points (
    ts INTEGER NOT NULL,
    series INTEGER NOT NULL,
    value ANY,
    flags INTEGER NOT NULL DEFAULT 0,
    unit TEXT,
    tags TEXT,
    PRIMARY KEY (ts, series)
  ) WITHOUT ROWID;
  CREATE TABLE dead_letters (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    at INTEGER NOT NULL,
    source TEXT NOT NULL,
    origin TEXT NOT NULL,
    reason TEXT NOT NULL,
    message TEXT NOT NULL,
    raw BLOB,
    raw_bytes INTEGER NOT NULL DEFAULT 0
  );
  CREATE INDEX dead_letters_reason ON dead_letters (reason, id);
  `,
  // 2: uplink outbox (owned by @outpost/uplink): items by priority class, batches in flight,
  // stream state, drop counters and rejected batches
  `
  CREATE TABLE outbox (
    id INTEGER PRIMARY KEY,
    class INTEGER NOT NULL,
    kind TEXT NOT NULL,
    created INTEGER NOT NULL,
    expires INTEGER NOT NULL,
    points INTEGER NOT NULL,
    bytes INTEGER NOT NULL,
    batch INTEGER,
    body BLOB NOT NULL
  );
  CREATE INDEX outbox_drain ON outbox (class, id) WHERE batch IS NULL;
  CREATE INDEX outbox_batch ON outbox (batch) WHERE batch IS NOT NULL;
  CREATE TABLE outbox_batches (
    seq INTEGER PRIMARY KEY,
    created INTEGER NOT NULL,
    items INTEGER NOT NULL,
    points INTEGER NOT NULL,
    encoding TEXT NOT NULL,
    sha256 TEXT NOT NULL,
    body BLOB NOT NULL
  );
  CREATE TABLE outbox_state (key TEXT PRIMARY KEY, value ANY) WITHOUT ROWID;
  CREATE TABLE outbox_drops (
    class INTEGER NOT NULL,
    reason TEXT NOT NULL,
    items INTEGER NOT NULL,
    points INTEGER NOT NULL,
    bytes INTEGER NOT NULL,
    PRIMARY KEY (class, reason)
  ) WITHOUT ROWID;
  CREATE TABLE outbox_dead_letters (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    at INTEGER NOT NULL,
    seq INTEGER NOT NULL,
    status INTEGER NOT NULL,
    code TEXT NOT NULL,
    reason TEXT NOT NULL,
    items INTEGER NOT NULL,
    points INTEGER NOT NULL,
    body BLOB
  );
  `,
  // 3: rollups (1 min, 15 min, … buckets per series), upserted as windows close or late points
  // revise them; keyed by time first like raw points, so retention deletes a contiguous range.
  `
  CREATE TABLE rollups (
    window_ms INTEGER NOT NULL,
    start INTEGER NOT NULL,
    series INTEGER NOT NULL,
    count INTEGER NOT NULL,
    gaps INTEGER NOT NULL,
    sum REAL, min REAL, max REAL, avg REAL, stddev REAL,
    first ANY, last ANY, first_ts INTEGER, last_ts INTEGER,
    unit TEXT,
    revision INTEGER NOT NULL,
    PRIMARY KEY (window_ms, start, series)
  ) WITHOUT ROWID;
  `,
];

export function migrate(db: Database.Database, migrations: readonly string[]): number {
  const current = db.pragma('user_version', { simple: true }) as number;
  if (current > migrations.length) {
    throw new Error(`database schema version ${current} is newer than this Outpost build knows (${migrations.length}); refusing to open it`);
  }
  for (let v = current; v < migrations.length; v++) {
    db.transaction(() => {
      db.exec(migrations[v]!);
      db.pragma(`user_version = ${v + 1}`);
    })();
  }
  return migrations.length;
}
