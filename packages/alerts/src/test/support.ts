/** Test support (used by *.test.ts only): a real gateway SQLite store in a temporary folder. */
import { GatewayStore } from '@outpost/storage';
import { tempDir } from '@outpost/testing';
import type { Point } from '@outpost/contract';

export function openDb() {
  const tmp = tempDir('outpost-alerts-');
  const store = GatewayStore.open({ path: `${tmp.dir}/gateway.db`, synchronous: 'normal' });
  return { db: store.db, close: () => { store.close(); tmp.cleanup(); } };
}

export const pt = (device: string, metric: string, value: number | string, ts: number): Point => ({ device, metric, ts, value });
