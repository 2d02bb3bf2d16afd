import type { Logger, Point } from '@outpost/contract';
import type { GatewayConfig } from '@outpost/config';
import { createRollupAggregator, parseDuration, type RollupAggregator, type RollupStore } from '@outpost/engine';
import { GatewayRollups, MAX_QUERY_LIMIT, type GatewayStore, type RollupRow } from '@outpost/storage';
import type { Uplink } from '@outpost/uplink';

const DAY_MS = 86_400_000;
/** The start-up rebuild never reaches back further than this (a 1 d bucket keeps only its last hour). */
export const REBUILD_MAX_SPAN_MS = 3_600_000;

export interface RollupServiceStats {
  accepted: number; late: number; keyLimit: number; future: number;
  rebuiltPoints: number; deletedByAge: number; lastError?: string;
}

export interface RollupService {
  readonly table: GatewayRollups;
  readonly intervalsMs: readonly number[];
  /** Fold committed points in (serialised; never throws, errors are counted and logged). */
  add(points: readonly Point[]): Promise<void>;
  stats(): RollupServiceStats;
  /** Stop the loops and write every open bucket. */
  stop(): Promise<void>;
}

/**
 * Continuous rollups on the gateway: committed points feed the engine's rollup aggregator, rows
 * land in the `rollups` table (upsert by revision), quiet devices' buckets close every second,
 * open buckets are written at shutdown and rebuilt from raw points at start-up, and old rows are
 * deleted by a small bounded loop (rollup retention is separate from raw retention).
 */
export async function startRollups(config: GatewayConfig, store: GatewayStore, deps: { logger: Logger; now: () => number; uplink?: Uplink | undefined }): Promise<RollupService> {
  const c = config.rollups;
  const table = new GatewayRollups(store);
  const stats: RollupServiceStats = { accepted: 0, late: 0, keyLimit: 0, future: 0, rebuiltPoints: 0, deletedByAge: 0 };
  const uplink = c.uplink.enabled ? deps.uplink : undefined;
  if (c.uplink.enabled && !deps.uplink) deps.logger.warn({}, 'gateway.rollups.uplink.enabled is set but the uplink is disabled: rollups stay local');
  const port: RollupStore = {
    upsertRollups(rows) {
      if (store.isClosed) return;
      table.upsertRollups(rows as readonly RollupRow[]);
      if (uplink && rows.length > 0) uplink.enqueue(c.uplink.class, 'rollup', rows);
    },
  };
  const aggregator = createRollupAggregator({ store: port, clock: { now: deps.now }, intervals: c.intervals, lateness: c.lateness, maxKeys: c.maxKeys });
  let chain: Promise<unknown> = Promise.resolve();
  const serial = (fn: () => Promise<unknown>): Promise<void> => {
    const run: Promise<void> = chain.then(fn).then(() => undefined, (e: unknown) => {
      stats.lastError = (e as Error).message;
      deps.logger.error({ err: e }, 'rollup update failed');
    });
    chain = run;
    return run;
  };
  const add = (points: readonly Point[]) => serial(async () => {
    const r = await aggregator.add(points);
    stats.accepted += r.accepted; stats.late += r.late; stats.keyLimit += r.keyLimit; stats.future += r.future;
  });

  stats.rebuiltPoints = await rebuildOpenBuckets(store, aggregator, deps.now(), c.rebuildMaxPoints);
  if (stats.rebuiltPoints > 0) deps.logger.info({ points: stats.rebuiltPoints }, 'rollups: open buckets rebuilt from stored raw points');

  const ticker = setInterval(() => { void serial(() => aggregator.tick()); }, 1000);
  ticker.unref();
  const retentionMs = c.retentionDays * DAY_MS;
  let retentionTimer: NodeJS.Timeout | undefined;
  const retentionStep = () => {
    if (store.isClosed) return;
    let more = false;
    try {
      const n = table.deleteBefore(deps.now() - retentionMs, 20_000);
      stats.deletedByAge += n;
      more = n >= 20_000;
    } catch (e) {
      stats.lastError = (e as Error).message;
      deps.logger.error({ err: e }, 'rollup retention step failed');
    }
    retentionTimer = setTimeout(retentionStep, more ? 0 : config.store.retentionIntervalMs);
    retentionTimer.unref();
  };
  retentionStep();

  return {
    table,
    intervalsMs: aggregator.intervalsMs,
    add,
    stats: () => ({ ...stats }),
    async stop() {
      clearInterval(ticker);
      if (retentionTimer) clearTimeout(retentionTimer);
      await serial(() => aggregator.flush());
    },
  };
}

/**
 * Replay the raw points of each interval's current bucket (at most the last hour, at most
 * `maxPoints`), so the part of a bucket stored before a restart is not lost: the rebuilt row
 * replaces the partial row written at shutdown. Paged by timestamp, ascending.
 */
export async function rebuildOpenBuckets(store: GatewayStore, aggregator: RollupAggregator, now: number, maxPoints: number): Promise<number> {
  if (maxPoints <= 0) return 0;
  const largest = Math.max(...aggregator.intervalsMs);
  const from = Math.max(Math.floor(now / largest) * largest, now - REBUILD_MAX_SPAN_MS);
  let cursor = from;
  let replayed = 0;
  while (replayed < maxPoints) {
    const limit = Math.min(MAX_QUERY_LIMIT, maxPoints - replayed);
    let page = store.queryPoints({ from: cursor, to: now + parseDuration('5m')!, limit, order: 'asc' });
    const full = page.length === limit;
    if (full) {
      // Points sharing the last timestamp may continue on the next page: leave them all for it.
      const lastTs = page[page.length - 1]!.ts;
      const cut = page.findIndex((p) => p.ts === lastTs);
      if (cut === 0) break; // one timestamp holds more than a page: stop rather than loop
      page = page.slice(0, cut);
      cursor = lastTs;
    }
    await aggregator.add(page);
    replayed += page.length;
    if (!full) break;
  }
  return replayed;
}
