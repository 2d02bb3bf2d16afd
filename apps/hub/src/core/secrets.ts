import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * Random secrets shown once and stored as `prefix` (for lookup) + SHA-256 of the secret part.
 * SHA-256 rather than argon2 is deliberate: these are 256-bit random values, so there is nothing
 * to brute-force and a slow hash would only cost CPU on every request (argon2id is for passwords).
 */
export type SecretKind = 'opk' | 'ort' | 'odc' | 'ops';

export interface NewSecret { token: string; prefix: string; hash: string }

export function newSecret(kind: SecretKind): NewSecret {
  const prefix = randomBytes(6).toString('hex');
  const secret = randomBytes(32).toString('base64url');
  return { token: `${kind}_${prefix}_${secret}`, prefix, hash: hashSecret(secret) };
}

export function parseSecret(token: string, kind: SecretKind): { prefix: string; secret: string } | undefined {
  const m = /^([a-z]{3})_([0-9a-f]{12})_([A-Za-z0-9_-]{43})$/.exec(token);
  return m && m[1] === kind ? { prefix: m[2]!, secret: m[3]! } : undefined;
}

export const hashSecret = (secret: string) => createHash('sha256').update(secret).digest('hex');

export function secretMatches(secret: string, hash: string): boolean {
  const a = Buffer.from(hashSecret(secret), 'hex');
  const b = Buffer.from(hash, 'hex');
  return a.length === b.length && timingSafeEqual(a, b);
}

/**
 * Short-lived device tokens: `odt.<deviceId>.<orgId>.<expiresAtMs>.<hmac>`, signed with a key kept
 * in the hub database. Stateless so a heartbeat flood costs no lookups to reject; decommission is
 * enforced by checking the device on use.
 */
export class DeviceTokens {
  /** Tokens whose signature checked out, so a gateway's next beats skip the HMAC; expiry is still checked on every use. */
  private readonly verified = new Map<string, { deviceId: string; orgId: string; expiresAt: number }>();

  constructor(private readonly key: Buffer, private readonly cacheMax = 20_000) {}

  sign(deviceId: string, orgId: string, expiresAt: number): string {
    const body = `odt.${deviceId}.${orgId}.${expiresAt}`;
    return `${body}.${this.mac(body)}`;
  }

  verify(token: string, now: number): { deviceId: string; orgId: string; expiresAt: number } | 'expired' | undefined {
    const known = this.verified.get(token);
    if (known) {
      if (known.expiresAt > now) return known;
      this.verified.delete(token);
      return 'expired';
    }
    const parts = token.split('.');
    if (parts.length !== 5 || parts[0] !== 'odt') return undefined;
    const body = parts.slice(0, 4).join('.');
    const want = Buffer.from(this.mac(body));
    const got = Buffer.from(parts[4]!);
    if (want.length !== got.length || !timingSafeEqual(want, got)) return undefined;
    const expiresAt = Number(parts[3]);
    if (!Number.isFinite(expiresAt)) return undefined;
    if (expiresAt <= now) return 'expired';
    const v = { deviceId: parts[1]!, orgId: parts[2]!, expiresAt };
    // Only signed tokens are kept (a flood of forged ones cannot fill this); bounded by starting over.
    if (this.verified.size >= this.cacheMax) this.verified.clear();
    this.verified.set(token, v);
    return v;
  }

  private mac(body: string): string { return createHmac('sha256', this.key).update(body).digest('base64url'); }
}
