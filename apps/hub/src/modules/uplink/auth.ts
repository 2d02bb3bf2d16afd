import { createHash, timingSafeEqual } from 'node:crypto';

/** Who sent a batch, once proven. `tenant` is filled in by the hub's tenancy when it lands. */
export interface GatewayIdentity { gateway: string; tenant?: string }

/**
 * The seam for gateway credentials. Until the hub's device provisioning lands, a shared token
 * per gateway (hub.uplink.gateways) is used; provisioning plugs in its own implementation
 * (short-lived tokens, hashed secrets) without touching the ingest route.
 */
export interface GatewayAuthenticator {
  /** Resolve the claimed gateway id and the bearer token (undefined when absent) to an identity, or null. */
  authenticate(gateway: string, token: string | undefined): Promise<GatewayIdentity | null>;
}

/** Per-gateway shared tokens, kept only as SHA-256 digests and compared in constant time. */
export class SharedTokenAuthenticator implements GatewayAuthenticator {
  private readonly digests = new Map<string, Buffer>();
  constructor(tokens: Record<string, string>, private readonly allowAnonymous = false) {
    for (const [gw, t] of Object.entries(tokens)) this.digests.set(gw, sha(t));
  }

  async authenticate(gateway: string, token: string | undefined): Promise<GatewayIdentity | null> {
    const want = this.digests.get(gateway);
    if (want === undefined) return this.allowAnonymous && gateway.length > 0 ? { gateway } : null;
    if (token === undefined) return null;
    return timingSafeEqual(want, sha(token)) ? { gateway } : null;
  }
}

const sha = (s: string) => createHash('sha256').update(s).digest();
