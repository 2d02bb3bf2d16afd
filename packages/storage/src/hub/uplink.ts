import type { Kysely } from 'kysely';
import type { HubTables } from './schema.js';
import { insertPoints, type HubPoint, type PointWriterTarget } from './timeseries.js';
import { AlertRepo, type AlertSnapshot } from './alerts.js';

export interface UplinkCommit {
  orgId: string; gateway: string; stream: string; seq: number; sha256: string; receivedAt: number;
  points: HubPoint[];
  items: Array<{ id: number; class: string; kind: string; createdMs: number; body: string }>;
  /** Edge alert lifecycle snapshots from the batch's `alerts` items (id: the gateway's own alert id), in order. */
  alerts?: ReadonlyArray<AlertSnapshot & { id: number }>;
}

/**
 * The hub side of exactly-once for the store-and-forward uplink: the dedup key (gateway, stream,
 * seq), the points and the other items commit in one transaction. A key seen before with the
 * same checksum is a re-send (`duplicate`, nothing stored); with another checksum, a `conflict`.
 */
export class UplinkRepo {
  private readonly alerts: AlertRepo;
  constructor(private readonly db: Kysely<HubTables>, private readonly target: PointWriterTarget) { this.alerts = new AlertRepo(db); }

  async commit(b: UplinkCommit): Promise<'stored' | 'duplicate' | 'conflict'> {
    return this.db.transaction().execute(async (trx) => {
      const prior = await trx.selectFrom('uplink_batches').select('sha256')
        .where('gateway', '=', b.gateway).where('stream', '=', b.stream).where('seq', '=', b.seq).executeTakeFirst();
      if (prior) return prior.sha256 === b.sha256 ? 'duplicate' : 'conflict';
      // The key row goes first: a concurrent commit of the same key then fails on the primary key
      // and its transaction rolls back, storing nothing twice.
      await trx.insertInto('uplink_batches').values({
        gateway: b.gateway, stream: b.stream, seq: b.seq, org_id: b.orgId, sha256: b.sha256, received_at: b.receivedAt, points: b.points.length, items: b.items.length,
      }).execute();
      await insertPoints(trx, this.target, b.orgId, b.points);
      for (let i = 0; i < b.items.length; i += 500) {
        await trx.insertInto('uplink_items').values(b.items.slice(i, i + 500).map((it) => ({
          gateway: b.gateway, stream: b.stream, seq: b.seq, item_id: it.id, org_id: b.orgId, class: it.class, kind: it.kind, created_at: it.createdMs, body: it.body,
        }))).execute();
      }
      if (b.alerts?.length) await this.alerts.applyEdge(trx, b.orgId, b.gateway, b.alerts, b.receivedAt);
      return 'stored';
    });
  }

  async items(orgId: string, gateway: string, kind?: string): Promise<Array<{ seq: number; itemId: number; class: string; kind: string; createdAt: number; body: string }>> {
    let s = this.db.selectFrom('uplink_items').selectAll().where('org_id', '=', orgId).where('gateway', '=', gateway);
    if (kind !== undefined) s = s.where('kind', '=', kind);
    const rows = await s.orderBy('seq').orderBy('item_id').execute();
    return rows.map((r) => ({ seq: Number(r.seq), itemId: Number(r.item_id), class: r.class, kind: r.kind, createdAt: Number(r.created_at), body: r.body }));
  }
}
