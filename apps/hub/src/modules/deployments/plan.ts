import { createHash } from 'node:crypto';
import { OutpostError } from '@outpost/contract';
import type { StrategyT } from './schemas.js';

export interface PlannedDevice { deviceId: string; batch: number; arm: 'a' | 'b' | null; version: string }

/** A stable, spread-out order: canary and batch members are not just the oldest devices. */
const spread = (deploymentId: string, ids: string[]) =>
  ids.map((id) => ({ id, h: createHash('sha256').update(`${deploymentId}/${id}`).digest('hex') })).sort((a, b) => (a.h < b.h ? -1 : 1)).map((x) => x.id);

const share = (n: number, pct: number | undefined, count: number | undefined, what: string): number => {
  if (pct !== undefined && count !== undefined) throw new OutpostError('ERR_DEPLOYMENT_INVALID', `strategy: give ${what} as percent or count, not both`);
  return Math.max(1, Math.min(n, count ?? Math.ceil((n * (pct ?? 10)) / 100)));
};

/** Which devices go in which batch (and, for A/B, which arm and version). */
export function planBatches(deploymentId: string, deviceIds: string[], version: string, s: StrategyT): PlannedDevice[] {
  const ids = spread(deploymentId, deviceIds);
  const n = ids.length;
  switch (s.kind) {
    case 'immediate': return ids.map((deviceId) => ({ deviceId, batch: 0, arm: null, version }));
    case 'canary': {
      const k = share(n, s.percent, s.count, 'the canary');
      return ids.map((deviceId, i) => ({ deviceId, batch: i < k ? 0 : 1, arm: null, version }));
    }
    case 'rolling': {
      const k = share(n, s.batchPercent, s.batchSize, 'the batch');
      return ids.map((deviceId, i) => ({ deviceId, batch: Math.floor(i / k), arm: null, version }));
    }
    case 'ab': {
      if (n < 2) throw new OutpostError('ERR_DEPLOYMENT_INVALID', 'strategy ab needs at least 2 devices to split');
      const k = Math.min(n - 1, Math.max(1, Math.round((n * (s.percent ?? 50)) / 100)));
      return ids.map((deviceId, i) => ({ deviceId, batch: 0, arm: i < k ? 'a' : 'b', version: i < k ? version : s.versionB }));
    }
  }
}

/** Seconds to wait after `batch` finished before the next one (or, after the last, before completing). */
export function waitAfter(s: StrategyT, batch: number, lastBatch: number): number {
  if (s.kind === 'rolling') return batch < lastBatch ? s.waitS : 0;
  if (s.kind === 'canary') return batch === 0 && lastBatch > 0 ? s.soakS : 0;
  if (s.kind === 'ab') return s.soakS;
  return 0;
}
