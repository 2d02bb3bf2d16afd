import { join } from 'node:path';
import type { HubPoint } from '@outpost/storage/hub/index';
import type { HubContext } from '../modules/types.js';
import { ALERTS_ITEM_KIND, edgeAlertSnapshots } from '../modules/alerts/edge-items.js';
import {
  SharedTokenAuthenticator, SqliteUplinkStore,
  type GatewayAuthenticator, type GatewayIdentity, type UplinkBatchRecord, type UplinkModuleDeps, type UplinkStore,
} from '../modules/uplink/index.js';

const text = new TextDecoder();

/**
 * Provisioned gateways send their device token (odt.…) with the uplink; the gateway id is then
 * their hub device id and the tenant their organisation. Shared tokens from hub.uplink.gateways
 * still work (no tenant) for gateways not yet provisioned.
 */
export class DeviceGatewayAuthenticator implements GatewayAuthenticator {
  constructor(private readonly ctx: HubContext, private readonly fallback: GatewayAuthenticator) {}

  async authenticate(gateway: string, token: string | undefined): Promise<GatewayIdentity | null> {
    if (token === undefined || !token.startsWith('odt.')) return this.fallback.authenticate(gateway, token);
    const v = this.ctx.services.auth.deviceTokens.verify(token, this.ctx.now());
    if (!v || v === 'expired' || v.deviceId !== gateway) return null;
    const d = await this.ctx.services.store.fleet.getDevice(v.orgId, v.deviceId);
    return d && d.state === 'active' ? { gateway, tenant: v.orgId } : null;
  }
}

/** A gateway's local device and metric become the hub metric `<device>/<metric>` under the gateway's device id. */
export function toHubPoints(b: Pick<UplinkBatchRecord, 'gateway' | 'points'>): HubPoint[] {
  // One object shape for every point (no spreads): this runs for every uplinked point.
  const out: HubPoint[] = new Array(b.points.length);
  for (let i = 0; i < out.length; i++) {
    const p = b.points[i]!;
    const v = p.value;
    out[i] = {
      deviceId: b.gateway, metric: `${p.device}/${p.metric}`, ts: p.ts, unit: p.unit ?? null,
      value: typeof v === 'number' ? v : typeof v === 'boolean' ? (v ? 1 : 0) : null,
      text: typeof v === 'string' ? v : null,
    };
  }
  return out;
}

/** UplinkStore on the hub's main storage (SQLite or PostgreSQL) for tenant batches; the legacy SQLite file otherwise. */
export class HubUplinkStore implements UplinkStore {
  constructor(private readonly ctx: HubContext, private readonly legacy: UplinkStore) {}

  async commitBatch(b: UplinkBatchRecord): Promise<'stored' | 'duplicate' | 'conflict'> {
    if (b.tenant === undefined) return this.legacy.commitBatch(b);
    const items = b.items.map((i) => ({ id: i.id, class: i.class, kind: i.kind, createdMs: i.createdMs, body: text.decode(i.body) }));
    if (b.status) items.push({ id: 0, class: 'normal', kind: 'buffer-status', createdMs: b.receivedAt, body: JSON.stringify(b.status) });
    // Edge alert changes land in the hub's alert history in the batch's own transaction.
    const alerts = items.filter((i) => i.kind === ALERTS_ITEM_KIND).flatMap((i) => edgeAlertSnapshots(i.body).snapshots);
    const result = await this.ctx.services.store.uplink.commit({
      orgId: b.tenant, gateway: b.gateway, stream: b.stream, seq: b.seq, sha256: b.sha256, receivedAt: b.receivedAt, points: toHubPoints(b), items, alerts,
    });
    // Cloud rules see the gateway's points as the gateway does (its local device and metric names).
    if (result === 'stored' && this.ctx.services.stored.active) this.ctx.services.stored.emit(b.tenant, b.points, { gateway: b.gateway });
    return result;
  }

  close(): Promise<void> { return this.legacy.close(); }
}

/** The uplink module's dependencies on the hub's tenancy and storage. */
export function hubUplinkDeps(ctx: HubContext): UplinkModuleDeps {
  const cfg = ctx.config.uplink;
  // The legacy file opens only if a shared-token gateway sends something.
  let opened: UplinkStore | undefined;
  const legacy: UplinkStore = {
    commitBatch: (b) => (opened ??= new SqliteUplinkStore(cfg.dbPath ?? join(ctx.config.dataDir, 'uplink.db'))).commitBatch(b),
    close: async () => opened?.close(),
  };
  return {
    store: new HubUplinkStore(ctx, legacy),
    authenticator: new DeviceGatewayAuthenticator(ctx, new SharedTokenAuthenticator(cfg.gateways, cfg.allowUnauthenticated)),
    maxBodyBytes: cfg.maxBodyBytes,
    maxDecodedBytes: cfg.maxDecodedBytes,
  };
}
