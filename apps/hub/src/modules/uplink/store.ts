import type { Point } from '@outpost/contract';
import type { PriorityClass, WireBufferStatus } from '@outpost/contract/wire/index';

export interface UplinkItemRecord { id: number; class: PriorityClass; kind: string; createdMs: number; body: Uint8Array }

/** One verified, decoded batch, ready to commit. */
export interface UplinkBatchRecord {
  gateway: string;
  tenant?: string | undefined;
  stream: string;
  seq: number;
  sha256: string;
  receivedAt: number;
  /** Points of every `points` item, in batch order. */
  points: Point[];
  /** Items of other kinds (alert, event, rollup, health …), body as sent (JSON text by convention). */
  items: UplinkItemRecord[];
  status?: WireBufferStatus | undefined;
}

/**
 * The hub's side of exactly-once: commit a batch and remember (gateway, stream, seq) in the same
 * transaction. `duplicate`: that key was committed before with the same checksum (a re-send;
 * acknowledge again, store nothing). `conflict`: the key was used with other content (a copied or
 * restored gateway database) — the batch is refused as invalid.
 * The SQLite implementation is in sqlite-store.ts; the hub's main storage implements the same port.
 */
export interface UplinkStore {
  commitBatch(b: UplinkBatchRecord): Promise<'stored' | 'duplicate' | 'conflict'>;
  close(): Promise<void>;
}
