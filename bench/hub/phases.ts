// CPU per uplinked point in each phase of the hub's uplink ingest, run in this process on the same
// functions the hub uses (checksum, gunzip, protobuf decode, conversion to hub points, the store's
// commit, the live feed's conversion). CPU time, not wall time: on a shared machine it is the
// figure other processes' load disturbs least.
import { createHash } from 'node:crypto';
import { gunzipSync } from 'node:zlib';
import { HubStore, type HubDbOptions } from '@outpost/storage/hub/index';
import { decodeBatch, decodePointSet, UPLINK_HEADERS, type WireBatch } from '@outpost/contract/wire/index';
import type { Point } from '@outpost/contract';
import { toHubPoints } from '../../apps/hub/src/core/uplink-adapter.js';
import { pointOf } from '../../apps/hub/src/core/point-feed.js';
import { uplinkBody } from './client.js';

export type Phase = 'checksum' | 'gunzip' | 'decode' | 'convert' | 'commit' | 'liveFeed';

/** Microseconds of CPU per point in each phase over `batches` uplink batches of `points` points. */
export async function uplinkPhases(db: HubDbOptions, batches: number, points: number): Promise<Record<Phase, number>> {
  const store = await HubStore.open(db);
  const cpu: Record<Phase, number> = { checksum: 0, gunzip: 0, decode: 0, convert: 0, commit: 0, liveFeed: 0 };
  const timed = <T>(phase: Phase, f: () => T): T => { const c = process.cpuUsage(); const r = f(); const d = process.cpuUsage(c); cpu[phase] += d.user + d.system; return r; };
  try {
    const bodies = Array.from({ length: batches }, (_, i) => uplinkBody('bench-gw', 'phases', i + 1, points, Date.UTC(2026, 3, 1)));
    for (const b of bodies) {
      const sha = timed('checksum', () => createHash('sha256').update(b.body).digest('hex'));
      if (sha !== b.headers[UPLINK_HEADERS.sha256]) throw new Error('phases: checksum mismatch');
      const raw = timed('gunzip', () => gunzipSync(b.body));
      const batch: WireBatch = timed('decode', () => decodeBatch(raw));
      const pts: Point[] = timed('decode', () => batch.items.flatMap((it) => decodePointSet(it.body)));
      const hub = timed('convert', () => toHubPoints({ gateway: 'bench-gw', points: pts }));
      // The commit awaits: process.cpuUsage around it counts only this process (no other work runs meanwhile).
      const c = process.cpuUsage();
      const r = await store.uplink.commit({ orgId: 'bench-org', gateway: 'bench-gw', stream: 'phases', seq: batch.seq, sha256: sha, receivedAt: Date.now(), points: hub, items: [] });
      const d = process.cpuUsage(c);
      cpu.commit += d.user + d.system;
      if (r !== 'stored') throw new Error(`phases: batch ${batch.seq} was ${r}`);
      timed('liveFeed', () => toHubPoints({ gateway: 'bench-gw', points: pts }).map(pointOf));
    }
  } finally {
    await store.close();
  }
  const n = batches * points;
  return Object.fromEntries(Object.entries(cpu).map(([k, us]) => [k, us / n])) as Record<Phase, number>;
}
