import Database from 'better-sqlite3';
import { mkdirSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import { OutpostError, type Point } from '@outpost/contract';
import { GATEWAY_MIGRATIONS, migrate } from './migrations.js';
import { encodeFlags, encodeValue } from './point-codec.js';
import { queryDeadLetters, queryPoints, type DeadLetter, type DeadLetterQuery, type PointQuery } from './queries.js';
import { startCheckpointer, type Checkpointer } from './checkpointer.js';
import { enforceRetention, type RetentionPolicy, type RetentionResult } from './retention.js';
import { WalSync, type FdatasyncFn } from './wal-sync.js';

export interface GatewayStoreOptions {
  /** Database file; ':memory:' for throwaway stores. */
  path: string;
  /**
   * 'full' fsyncs the WAL on every commit: a point acknowledged is on disk even after a power
   * cut. 'normal' survives a process crash but may lose the last commits on power loss.
   */
  synchronous?: 'full' | 'normal';
  /**
   * With synchronous 'full', where the WAL sync of a `commit(…, { syncLater: true })` runs.
   * 'inline': inside the commit (SQLite's own fsync; the event loop waits for the disk).
   * 'async' (default): the commit only writes the WAL; `durable()` then runs one fdatasync on
   * libuv's thread pool for all commits so far. Same guarantee once `durable()` resolves;
   * commits without `syncLater` always sync inline.
   */
  walSync?: 'inline' | 'async';
  /** Tests only: replaces fs.fdatasync to cause a failing disk sync, which cannot be caused for real here. */
  fdatasync?: FdatasyncFn;
  /** Hard ceiling on the database file: past it writes fail with ERR_STORE_FULL (models a full disk). */
  hardCapMb?: number;
  /**
   * Who checkpoints the WAL into the database file. 'inline' (SQLite's automatic checkpoint) runs
   * it inside the commit that crosses 1000 WAL pages, stalling that commit; 'background' runs a
   * PASSIVE checkpoint every `checkpointIntervalMs` on a worker thread with its own connection.
   * Background needs `shutdown()` (not just `close()`) to be awaited before the process exits.
   * Unset: inline here; the gateway's configuration (`gateway.store.checkpoint`) defaults to background.
   */
  checkpoint?: 'inline' | 'background';
  /** Background checkpoint interval, ms (default 500). */
  checkpointIntervalMs?: number;
  /** Inline mode: WAL pages that trigger SQLite's automatic checkpoint (unset: SQLite's own 1000; the gateway config defaults to 100). */
  checkpointPages?: number;
  /** Dead letters kept; older ones are deleted as new ones arrive. */
  deadLetterMaxRows?: number;
  /** Largest raw payload kept per dead letter, bytes; longer payloads are truncated (raw_bytes keeps the size). */
  deadLetterMaxRawBytes?: number;
}

/**
 * Row counts of the multi-row INSERTs, largest first (6 parameters a row; SQLite allows 32766 a
 * statement). A commit of n points goes in runs of these sizes, so even the small commits of a
 * busy group commit (tens of points while the previous sync runs) take a few statements, not n.
 */
const RUN_SIZES = [64, 16, 4] as const;

export interface DeadLetterInput {
  at: number;
  source: string;
  origin: string;
  reason: string;
  message: string;
  raw?: string | Buffer | undefined;
}

/** Called inside a commit's transaction with the points it stores; see GatewayStore.addCommitHook. */
export type CommitHook = (points: readonly Point[]) => void;

export interface CommitResult {
  /** Indexes (into the committed array) of points that were already stored: same device, metric and ts. */
  duplicates: number[];
}

export interface StoreUsage {
  /** Bytes in live pages (what retention by size measures). */
  usedBytes: number;
  fileBytes: number;
  walBytes: number;
  pageSize: number;
}

/**
 * The gateway's local store: one SQLite database in WAL mode holding raw points and dead
 * letters (later issues add rollups, outbox and alerts). Writes are synchronous and meant to be
 * batched by a group committer: one `commit` call is one transaction.
 */
export class GatewayStore {
  readonly db: Database.Database;
  readonly path: string;
  /** device → metric → series id (nested maps: no key string built per point). */
  private readonly seriesIds = new Map<string, Map<string, number>>();
  private readonly insertPoint: Database.Statement;
  /** One multi-row INSERT per RUN_SIZES entry, with its reusable argument array. */
  private readonly insertRuns: { rows: number; statement: Database.Statement; args: unknown[] }[];
  private readonly savepoint: Database.Statement;
  private readonly rollbackSavepoint: Database.Statement;
  private readonly releaseSavepoint: Database.Statement;
  private readonly rowArgs: unknown[] = new Array(6);
  private readonly insertSeries: Database.Statement;
  private readonly selectSeries: Database.Statement;
  private readonly insertDeadLetter: Database.Statement;
  private readonly trimDeadLetters: Database.Statement;
  private readonly deadLetterMaxRows: number;
  private readonly deadLetterMaxRawBytes: number;
  private closed = false;
  private checkpointer: Checkpointer | undefined;
  private readonly commitHooks = new Set<CommitHook>();
  private readonly walSync: WalSync | undefined;
  private readonly syncNormal: Database.Statement | undefined;
  private readonly syncFull: Database.Statement | undefined;

  static open(opts: GatewayStoreOptions): GatewayStore {
    return new GatewayStore(opts);
  }

  private constructor(opts: GatewayStoreOptions) {
    this.path = opts.path;
    if (opts.path !== ':memory:') mkdirSync(dirname(opts.path), { recursive: true });
    const db = new Database(opts.path);
    this.db = db;
    // auto_vacuum must be chosen before the first table exists; incremental lets retention
    // hand freed pages back to the file system in small steps.
    db.pragma('auto_vacuum = INCREMENTAL');
    db.pragma('journal_mode = WAL');
    db.pragma(`synchronous = ${(opts.synchronous ?? 'full').toUpperCase()}`);
    db.pragma('temp_store = MEMORY');
    // SQLite's default 2 MiB page cache: with a time-first key only the right edge is hot, and a
    // larger cache measured no faster while costing RSS on small gateways.
    db.pragma('cache_size = -2000');
    db.pragma('busy_timeout = 5000');
    migrate(db, GATEWAY_MIGRATIONS);
    if (opts.hardCapMb !== undefined) {
      const pageSize = db.pragma('page_size', { simple: true }) as number;
      db.pragma(`max_page_count = ${Math.max(16, Math.floor((opts.hardCapMb * 1024 * 1024) / pageSize))}`);
    }
    // After a checkpoint the WAL is rewound, not shrunk; cap what its file keeps on disk.
    db.pragma('journal_size_limit = 67108864');
    if (opts.checkpointPages !== undefined) db.pragma(`wal_autocheckpoint = ${opts.checkpointPages}`);
    if (opts.checkpoint === 'background' && opts.path !== ':memory:') {
      db.pragma('wal_autocheckpoint = 0');
      this.checkpointer = startCheckpointer({
        path: opts.path,
        intervalMs: opts.checkpointIntervalMs ?? 500,
        // Never let the WAL grow without bound: hand checkpoints back to SQLite.
        onFailure: () => { if (!this.closed) db.pragma('wal_autocheckpoint = 1000'); },
      });
    }
    this.deadLetterMaxRows = opts.deadLetterMaxRows ?? 10_000;
    this.deadLetterMaxRawBytes = opts.deadLetterMaxRawBytes ?? 64 * 1024;
    this.insertPoint = db.prepare('INSERT OR IGNORE INTO points (ts, series, value, flags, unit, tags) VALUES (?, ?, ?, ?, ?, ?)');
    this.insertRuns = RUN_SIZES.map((rows) => ({
      rows,
      statement: db.prepare(`INSERT OR IGNORE INTO points (ts, series, value, flags, unit, tags) VALUES ${Array(rows).fill('(?, ?, ?, ?, ?, ?)').join(', ')}`),
      args: new Array(rows * 6),
    }));
    this.savepoint = db.prepare('SAVEPOINT insert_run');
    this.rollbackSavepoint = db.prepare('ROLLBACK TO insert_run');
    this.releaseSavepoint = db.prepare('RELEASE insert_run');
    this.insertSeries = db.prepare('INSERT INTO series (device, metric) VALUES (?, ?) ON CONFLICT DO NOTHING');
    this.selectSeries = db.prepare('SELECT id FROM series WHERE device = ? AND metric = ?').pluck();
    this.insertDeadLetter = db.prepare('INSERT INTO dead_letters (at, source, origin, reason, message, raw, raw_bytes) VALUES (?, ?, ?, ?, ?, ?, ?)');
    this.trimDeadLetters = db.prepare('DELETE FROM dead_letters WHERE id <= (SELECT MAX(id) FROM dead_letters) - ?');
    if ((opts.synchronous ?? 'full') === 'full' && (opts.walSync ?? 'async') === 'async' && opts.path !== ':memory:') {
      this.walSync = new WalSync(`${opts.path}-wal`, opts.fdatasync);
      this.syncNormal = db.prepare('PRAGMA synchronous = NORMAL');
      this.syncFull = db.prepare('PRAGMA synchronous = FULL');
    }
  }

  /**
   * Commit points and dead letters in one transaction. Throws OutpostError ERR_STORE_FULL when
   * the database cannot grow, ERR_STORE_WRITE on other write failures; either way nothing of
   * the batch is stored, so the caller must not acknowledge it.
   * `syncLater`: the caller acknowledges only after `durable()` resolves, so the WAL sync may
   * run off the event loop (see `walSync`).
   */
  commit(points: readonly Point[], deadLetters: readonly DeadLetterInput[] = [], opts: { syncLater?: boolean } = {}): CommitResult {
    if (this.closed) throw new OutpostError('ERR_STORE_CLOSED', 'the gateway store is closed');
    const syncFailure = this.walSync?.failed;
    if (syncFailure) throw new OutpostError('ERR_STORE_WRITE', `the local store refuses writes: ${syncFailure.message}; check the disk and restart the gateway`, { items: points.length + deadLetters.length }, { cause: syncFailure });
    const deferSync = opts.syncLater === true && this.walSync !== undefined;
    const duplicates: number[] = [];
    if (deferSync) this.syncNormal!.run();
    try {
      this.db.transaction(() => {
        this.insertPoints(points, duplicates);
        if (deadLetters.length > 0) {
          for (const d of deadLetters) this.writeDeadLetter(d);
          this.trimDeadLetters.run(this.deadLetterMaxRows);
        }
        if (this.commitHooks.size > 0) {
          const dup = duplicates.length > 0 ? new Set(duplicates) : undefined;
          const stored = dup ? points.filter((_, i) => !dup.has(i)) : points;
          if (stored.length > 0) for (const hook of this.commitHooks) hook(stored);
        }
      })();
    } catch (e) {
      // A rolled-back transaction may have interned series ids that no longer exist.
      this.seriesIds.clear();
      throw storeError(e, points.length + deadLetters.length);
    } finally {
      if (deferSync) this.syncFull!.run();
    }
    return { duplicates };
  }

  /**
   * Insert points, recording the indexes of those already stored. Runs of RUN_SIZES rows go in
   * one multi-row statement each (a third less CPU per row than one statement per point); a run
   * whose statement stored fewer rows than it had holds a duplicate, so it is undone to its
   * savepoint and inserted row by row to learn which. Fewer than the smallest run: row by row.
   */
  private insertPoints(points: readonly Point[], duplicates: number[]): void {
    let i = 0;
    for (const run of this.insertRuns) {
      const { rows, statement, args } = run;
      for (; i + rows <= points.length; i += rows) {
        for (let k = 0; k < rows; k++) this.bindRow(points[i + k]!, args, k * 6);
        this.savepoint.run();
        if (statement.run(args).changes === rows) {
          this.releaseSavepoint.run();
          continue;
        }
        this.rollbackSavepoint.run();
        this.releaseSavepoint.run();
        for (let k = 0; k < rows; k++) this.insertOne(points[i + k]!, i + k, duplicates);
      }
    }
    for (; i < points.length; i++) this.insertOne(points[i]!, i, duplicates);
  }

  private insertOne(p: Point, i: number, duplicates: number[]): void {
    const row = this.rowArgs;
    this.bindRow(p, row, 0);
    if (this.insertPoint.run(row).changes === 0) duplicates.push(i);
  }

  private bindRow(p: Point, args: unknown[], o: number): void {
    args[o] = p.ts;
    args[o + 1] = this.seriesId(p.device, p.metric);
    args[o + 2] = encodeValue(p.value);
    args[o + 3] = encodeFlags(p);
    args[o + 4] = p.unit ?? null;
    args[o + 5] = p.tags ? JSON.stringify(p.tags) : null;
  }

  /**
   * Run `fn` in one transaction whose WAL sync runs off the event loop and is not waited for (it
   * is started at once; a failure makes the store refuse later writes, like an ingest commit's).
   * For writes that acknowledge nothing to anyone, such as alert records, whose actions should
   * not wait for the disk. Inside an open transaction it simply joins it.
   */
  transactionSyncLater<T>(fn: () => T): T {
    if (this.walSync === undefined || this.db.inTransaction) return this.db.transaction(fn)();
    this.syncNormal!.run();
    try {
      return this.db.transaction(fn)();
    } finally {
      this.syncFull!.run();
      this.durable().catch(() => undefined);
    }
  }

  /**
   * Resolves once every commit made so far is on disk: at once unless a `syncLater` commit is
   * waiting for its WAL sync. Rejects (ERR_STORE_WRITE) if that sync fails.
   */
  durable(): Promise<void> {
    if (this.walSync === undefined) return Promise.resolve();
    return this.walSync.durable().catch((e: Error) => {
      throw new OutpostError('ERR_STORE_WRITE', `the local store could not make a commit durable: ${e.message}`, {}, { cause: e });
    });
  }

  /**
   * Run `hook` inside every commit's transaction with the points it stores (duplicates
   * excluded), so what the hook writes (e.g. the uplink outbox) is durable exactly when the points
   * are. A hook that throws rolls the whole commit back. Returns a function that removes it.
   */
  addCommitHook(hook: CommitHook): () => void {
    this.commitHooks.add(hook);
    return () => this.commitHooks.delete(hook);
  }

  queryPoints(q: PointQuery): Point[] {
    return queryPoints(this.db, q);
  }

  deadLetters(q: DeadLetterQuery = {}): DeadLetter[] {
    return queryDeadLetters(this.db, q);
  }

  countPoints(): number {
    return this.db.prepare('SELECT COUNT(*) FROM points').pluck().get() as number;
  }

  usage(): StoreUsage {
    const pageSize = this.db.pragma('page_size', { simple: true }) as number;
    const pages = this.db.pragma('page_count', { simple: true }) as number;
    const free = this.db.pragma('freelist_count', { simple: true }) as number;
    // The WAL's size from the file system: asking SQLite (wal_checkpoint) would run a checkpoint,
    // an fsync-heavy stall in the middle of ingest, every time status or retention looks.
    let walBytes = 0;
    if (this.path !== ':memory:') {
      try { walBytes = statSync(`${this.path}-wal`).size; } catch { /* no WAL file yet */ }
    }
    return { usedBytes: (pages - free) * pageSize, fileBytes: pages * pageSize, walBytes, pageSize };
  }

  /** Delete what is past the retention policy, doing at most `maxRows` deletions (so ingest never stalls). */
  enforceRetention(policy: RetentionPolicy, now: number, maxRows = 20_000): RetentionResult {
    return enforceRetention(this, policy, now, maxRows);
  }

  /** Close the database now; a background checkpointer is asked to stop (see shutdown()). */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    void this.checkpointer?.stop();
    this.db.close();
    this.walSync?.close();
  }

  /** close(), then wait until the background checkpointer (if any) has closed and exited. */
  async shutdown(): Promise<void> {
    await this.walSync?.idle();
    this.close();
    await this.checkpointer?.stop();
  }

  get isClosed(): boolean {
    return this.closed;
  }

  /** The interned id of a (device, metric) series, created on first use. */
  seriesId(device: string, metric: string): number {
    let metrics = this.seriesIds.get(device);
    if (metrics === undefined) {
      metrics = new Map();
      this.seriesIds.set(device, metrics);
    }
    let id = metrics.get(metric);
    if (id === undefined) {
      this.insertSeries.run(device, metric);
      id = this.selectSeries.get(device, metric) as number;
      metrics.set(metric, id);
    }
    return id;
  }


  private writeDeadLetter(d: DeadLetterInput): void {
    let raw: Buffer | null = null;
    let rawBytes = 0;
    if (d.raw !== undefined) {
      const buf = typeof d.raw === 'string' ? Buffer.from(d.raw) : d.raw;
      rawBytes = buf.length;
      raw = buf.length > this.deadLetterMaxRawBytes ? buf.subarray(0, this.deadLetterMaxRawBytes) : buf;
    }
    this.insertDeadLetter.run(d.at, d.source, d.origin, d.reason, d.message, raw, rawBytes);
  }
}

function storeError(e: unknown, items: number): OutpostError {
  const code = (e as { code?: string }).code ?? '';
  if (code === 'SQLITE_FULL') {
    return new OutpostError('ERR_STORE_FULL', `the local store is full: ${items} item(s) not stored; free space or raise gateway.store.hardCapMb, then retry`, { items }, { cause: e });
  }
  return new OutpostError('ERR_STORE_WRITE', `the local store failed to commit ${items} item(s): ${(e as Error).message}`, { items, sqlite: code }, { cause: e });
}
