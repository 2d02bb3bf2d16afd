import type { Logger } from '@outpost/contract';
import type { GatewayStore, RetentionPolicy } from '@outpost/storage';

export interface RetentionStats { deletedByAge: number; deletedBySize: number; runs: number; lastError?: string }

/**
 * Runs retention continuously: a small bounded step every interval, and again right away while
 * a step reports more to do. Each step is a few short transactions, so ingest commits interleave.
 */
export function startRetentionLoop(store: GatewayStore, policy: RetentionPolicy, intervalMs: number, logger: Logger, now: () => number = Date.now) {
  const stats: RetentionStats = { deletedByAge: 0, deletedBySize: 0, runs: 0 };
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;
  const step = () => {
    if (stopped || store.isClosed) return;
    let more = false;
    try {
      const r = store.enforceRetention(policy, now(), 20_000);
      stats.runs++;
      stats.deletedByAge += r.deletedByAge;
      stats.deletedBySize += r.deletedBySize;
      more = r.more;
      if (r.deletedBySize > 0) logger.info({ deleted: r.deletedBySize, maxSizeBytes: policy.maxSizeBytes }, 'store over its size budget: oldest raw points deleted');
    } catch (e) {
      stats.lastError = (e as Error).message;
      logger.error({ err: e }, 'retention step failed');
    }
    timer = setTimeout(step, more ? 0 : intervalMs);
    timer.unref();
  };
  timer = setTimeout(step, intervalMs);
  timer.unref();
  return {
    stats: () => ({ ...stats }),
    stop() { stopped = true; if (timer) clearTimeout(timer); },
  };
}
