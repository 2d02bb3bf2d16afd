import type { FastifyReply, FastifyRequest } from 'fastify';
import { OutpostError } from '@outpost/contract';
import type { HubStore, Role } from '@outpost/storage/hub/index';
import { DeviceTokens, hashSecret, parseSecret, secretMatches } from './secrets.js';

export type Scope = 'read' | 'write' | 'admin' | 'ingest';
export const API_KEY_SCOPES: readonly Scope[] = ['read', 'write', 'admin', 'ingest'];

/** Who is calling, once proven. `actor` is what the audit log records. */
export interface Principal {
  kind: 'user' | 'key' | 'device';
  id: string;
  orgId: string;
  role: Role | null;
  scopes: readonly Scope[];
  actor: string;
  /** For device tokens: when the presented token expires (the heartbeat renews it). */
  tokenExpiresAt?: number;
}

declare module 'fastify' {
  interface FastifyRequest { principal: Principal | null }
}

const ROLE_SCOPES: Record<Role, readonly Scope[]> = {
  system_admin: API_KEY_SCOPES,
  org_admin: API_KEY_SCOPES,
  member: ['read'],
};

const invalid = (what: string) => new OutpostError('ERR_AUTH_INVALID', what);

/** How long a verified API key is trusted without another lookup; revocation clears it at once. */
const KEY_CACHE_MS = 5_000;
const TOUCH_EVERY_MS = 10_000;

/** Resolves credentials (session, API key, device token) to a Principal. */
export class Authenticator {
  private readonly keyCache = new Map<string, { p: Principal; hash: string; until: number }>();
  private readonly touched = new Map<string, number>();

  constructor(private readonly store: HubStore, readonly deviceTokens: DeviceTokens, private readonly now: () => number) {}

  /** The credential presented: `Authorization: Bearer …` or `X-API-Key: …`. */
  static credentialOf(req: FastifyRequest): string | undefined {
    const key = req.headers['x-api-key'];
    if (typeof key === 'string' && key !== '') return key;
    const auth = req.headers.authorization;
    if (typeof auth === 'string' && /^Bearer /i.test(auth)) return auth.slice(7).trim();
    return undefined;
  }

  /** Null when no credential is presented; throws ERR_AUTH_INVALID for a wrong, expired or revoked one. */
  async resolve(credential: string | undefined): Promise<Principal | null> {
    if (credential === undefined) return null;
    const now = this.now();
    if (credential.startsWith('odt.')) {
      const v = this.deviceTokens.verify(credential, now);
      if (v === 'expired') throw invalid('device token expired; exchange the device credential at POST /v1/device-token');
      if (!v) throw invalid('device token is not valid (bad signature or format)');
      return { kind: 'device', id: v.deviceId, orgId: v.orgId, role: null, scopes: ['ingest'], actor: `device:${v.deviceId}`, tokenExpiresAt: v.expiresAt };
    }
    if (credential.startsWith('ops_')) {
      const user = await this.store.tenancy.findSessionUser(hashSecret(credential), now);
      if (!user) throw invalid('session token is unknown or expired; log in again at POST /v1/sessions');
      return { kind: 'user', id: user.id, orgId: user.orgId, role: user.role, scopes: ROLE_SCOPES[user.role], actor: `user:${user.id}` };
    }
    if (credential.startsWith('opk_')) return this.apiKey(credential, now);
    throw invalid('credential format not recognised; expected a session token, an API key (opk_…) or a device token (odt.…)');
  }

  forgetKey(prefix: string): void { this.keyCache.delete(prefix); }

  private async apiKey(credential: string, now: number): Promise<Principal> {
    const parsed = parseSecret(credential, 'opk');
    if (!parsed) throw invalid('API key is malformed');
    const cached = this.keyCache.get(parsed.prefix);
    if (cached && cached.until > now && secretMatches(parsed.secret, cached.hash)) return cached.p;
    const key = await this.store.tenancy.findApiKeyByPrefix(parsed.prefix);
    if (!key || !secretMatches(parsed.secret, key.secretHash)) throw invalid('API key is not valid');
    if (key.revokedAt !== null) throw invalid(`API key ${key.prefix} was revoked`);
    if (key.expiresAt !== null && key.expiresAt <= now) throw invalid(`API key ${key.prefix} expired`);
    const p: Principal = { kind: 'key', id: key.id, orgId: key.orgId, role: null, scopes: key.scopes as Scope[], actor: `key:${key.id}` };
    this.keyCache.set(parsed.prefix, { p, hash: key.secretHash, until: now + Math.min(KEY_CACHE_MS, (key.expiresAt ?? Infinity) - now) });
    if ((this.touched.get(key.id) ?? 0) + TOUCH_EVERY_MS <= now) {
      this.touched.set(key.id, now);
      await this.store.tenancy.touchApiKey(key.id, now);
    }
    return p;
  }
}

/** Header with which a system admin acts in another organisation (the dashboard's org switcher). */
export const ORG_HEADER = 'x-outpost-org';

/**
 * The principal as it acts for this request: a system admin naming another organisation in
 * `X-Outpost-Org` works in that organisation with the same role; anyone else naming another
 * organisation is refused rather than silently kept in their own.
 */
export async function actingAs(p: Principal | null, header: unknown, store: HubStore): Promise<Principal | null> {
  if (p === null || typeof header !== 'string' || header === '' || header === p.orgId) return p;
  if (p.role !== 'system_admin') throw new OutpostError('ERR_AUTH_FORBIDDEN', `${ORG_HEADER}: only a system admin may act in another organisation than its own (${p.orgId})`);
  if (!(await store.tenancy.getOrg(header))) throw new OutpostError('ERR_HUB_NOT_FOUND', `${ORG_HEADER}: organisation ${header} not found`);
  return { ...p, orgId: header };
}

export type Need = Scope | 'device' | 'system';

/**
 * Route guard (a preValidation hook, so an unauthenticated caller learns nothing about the body
 * schema): authenticated, and allowed to do `need`. Devices only pass `device` routes.
 */
export function requires(need: Need): (req: FastifyRequest, reply: FastifyReply) => Promise<void> {
  return async (req: FastifyRequest, _reply: FastifyReply) => {
    const p = req.principal;
    if (!p) throw new OutpostError('ERR_AUTH_REQUIRED', `${req.method} ${req.routeOptions.url} needs a credential: Authorization: Bearer <token> or X-API-Key`);
    if (need === 'device') {
      if (p.kind !== 'device') throw new OutpostError('ERR_AUTH_FORBIDDEN', 'this route is for gateways: authenticate with a device token');
      return;
    }
    if (need === 'system') {
      if (p.role !== 'system_admin') throw new OutpostError('ERR_AUTH_FORBIDDEN', 'this route needs the system admin role');
      return;
    }
    if (p.kind === 'device' && need !== 'ingest') throw new OutpostError('ERR_AUTH_FORBIDDEN', 'device tokens may only ingest and heartbeat');
    if (!p.scopes.includes(need)) {
      throw new OutpostError('ERR_AUTH_FORBIDDEN', `this route needs the "${need}" scope; the caller has ${p.scopes.length ? p.scopes.join(', ') : 'none'}`);
    }
  };
}
