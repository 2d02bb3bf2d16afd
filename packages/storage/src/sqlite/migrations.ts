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
  // 4: pipelines on the gateway (owned by apps/gateway/src/pipelines): immutable versions, the
  // activation history (the last row per pipeline is active; rollback appends an earlier
  // version), outputs of store nodes, and alert events until the alert rules are wired in.
  `
  CREATE TABLE pipeline_versions (
    pipeline_id TEXT NOT NULL,
    version INTEGER NOT NULL,
    hash TEXT NOT NULL,
    created INTEGER NOT NULL,
    note TEXT,
    doc TEXT NOT NULL,
    PRIMARY KEY (pipeline_id, version)
  );
  CREATE TABLE pipeline_activations (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    pipeline_id TEXT NOT NULL,
    version INTEGER,
    at INTEGER NOT NULL,
    reason TEXT NOT NULL
  );
  CREATE INDEX pipeline_activations_by_pipeline ON pipeline_activations (pipeline_id, id);
  CREATE TABLE pipeline_outputs (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    at INTEGER NOT NULL,
    pipeline_id TEXT NOT NULL,
    node_id TEXT NOT NULL,
    table_name TEXT NOT NULL,
    item TEXT NOT NULL
  );
  CREATE INDEX pipeline_outputs_by_table ON pipeline_outputs (table_name, id);
  CREATE TABLE pipeline_alerts (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    at INTEGER NOT NULL,
    pipeline_id TEXT NOT NULL,
    node_id TEXT NOT NULL,
    rule TEXT NOT NULL,
    severity TEXT NOT NULL,
    message TEXT NOT NULL,
    ts INTEGER NOT NULL,
    item TEXT NOT NULL
  );
  `,
  // 5: alerts (raised → acknowledged → cleared, at most one open per rule and key; owned by
  // packages/alerts), the action delivery log and the local alarm log (both trimmed to a bound).
  `
  CREATE TABLE alerts (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    rule TEXT NOT NULL,
    alert_key TEXT NOT NULL,
    device TEXT NOT NULL,
    severity TEXT NOT NULL,
    state TEXT NOT NULL,
    message TEXT NOT NULL,
    value REAL,
    points TEXT NOT NULL,
    raised_at INTEGER NOT NULL,
    acked_at INTEGER,
    acked_by TEXT,
    cleared_at INTEGER,
    clear_message TEXT
  );
  CREATE UNIQUE INDEX alerts_open ON alerts (rule, alert_key) WHERE state != 'cleared';
  CREATE INDEX alerts_raised_at ON alerts (raised_at);
  CREATE TABLE alert_deliveries (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    at INTEGER NOT NULL,
    alert_id INTEGER,
    rule TEXT NOT NULL,
    action TEXT NOT NULL,
    target TEXT NOT NULL,
    attempt INTEGER NOT NULL,
    outcome TEXT NOT NULL,
    status INTEGER,
    detail TEXT
  );
  CREATE TABLE alarm_log (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    at INTEGER NOT NULL,
    alert_id INTEGER,
    rule TEXT NOT NULL,
    device TEXT NOT NULL,
    severity TEXT NOT NULL,
    change TEXT NOT NULL,
    message TEXT NOT NULL
  );
  `,
  // 6: raw points by name for ad-hoc SQL and other tools (the edge-pipeline harness's
  // points(device, metric, ts, value) shape): `points` keeps a series id to stay small and
  // time-clustered; this view joins the names back. Read-only; values as stored (see point-codec).
  `
  CREATE VIEW point_rows AS
    SELECT s.device AS device, s.metric AS metric, p.ts AS ts, p.value AS value, p.unit AS unit, p.flags AS flags, p.tags AS tags
    FROM points p JOIN series s ON s.id = p.series;
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
