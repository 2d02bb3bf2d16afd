import type { GatewayStore } from './gateway-store.js';

export interface RetentionPolicy {
  /** Raw points older than this are deleted. */
  rawMaxAgeMs: number;
  /** When live pages exceed this, the oldest points are deleted until back under it. */
  maxSizeBytes?: number;
}

export interface RetentionResult {
  deletedByAge: number;
  deletedBySize: number;
  /** True when the budget ran out before the policy was met; the next call continues. */
  more: boolean;
}

/**
 * One bounded step of retention. Called on a timer; each step deletes at most `maxRows` rows
 * in short transactions, so ingest commits interleave and never wait long. Points are keyed by
 * time first, so the oldest rows are a contiguous range at the left of the B-tree.
 */
export function enforceRetention(store: GatewayStore, policy: RetentionPolicy, now: number, maxRows: number): RetentionResult {
  const db = store.db;
  const chunk = Math.max(1, Math.min(maxRows, 5000));
  const deleteBefore = db.prepare(`
    DELETE FROM points WHERE ts < min(@cutoff, coalesce((SELECT ts FROM points ORDER BY ts LIMIT 1 OFFSET @chunk), @cutoff))`);
  const oldestAfter = db.prepare('SELECT ts FROM points ORDER BY ts LIMIT 1 OFFSET ?').pluck();
  let deletedByAge = 0;
  let deletedBySize = 0;
  let budget = maxRows;

  const cutoff = now - policy.rawMaxAgeMs;
  while (budget > 0) {
    const n = deleteBefore.run({ cutoff, chunk: Math.min(chunk, budget) }).changes;
    deletedByAge += n;
    budget -= n;
    if (n === 0) break;
  }

  if (policy.maxSizeBytes !== undefined) {
    while (budget > 0 && store.usage().usedBytes > policy.maxSizeBytes) {
      // Delete the oldest `chunk` rows (all rows sharing the boundary timestamp go together).
      const boundary = oldestAfter.get(Math.min(chunk, budget)) as number | undefined;
      const n = boundary === undefined
        ? db.prepare('DELETE FROM points').run().changes
        : db.prepare('DELETE FROM points WHERE ts < ?').run(boundary).changes || db.prepare('DELETE FROM points WHERE ts = ?').run(boundary).changes;
      deletedBySize += n;
      budget -= n;
      if (n === 0) break;
    }
  }
  if (deletedByAge + deletedBySize > 0) db.pragma('incremental_vacuum(2000)');
  const overAge = (db.prepare('SELECT 1 FROM points WHERE ts < ? LIMIT 1').pluck().get(cutoff) as number | undefined) !== undefined;
  const overSize = policy.maxSizeBytes !== undefined && store.usage().usedBytes > policy.maxSizeBytes;
  return { deletedByAge, deletedBySize, more: overAge || overSize };
}
