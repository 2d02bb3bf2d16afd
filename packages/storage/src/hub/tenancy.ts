import type { Kysely } from 'kysely';
import { OutpostError } from '@outpost/contract';
import { writeAudit, type Actor } from './audit.js';
import type { HubTables } from './schema.js';
import { isUniqueViolation } from './sql-errors.js';

export type Role = 'system_admin' | 'org_admin' | 'member';
export const ROLES: readonly Role[] = ['system_admin', 'org_admin', 'member'];

export interface Org { id: string; name: string; createdAt: number }
export interface User { id: string; orgId: string; email: string; role: Role; createdAt: number }
export interface UserWithHash extends User { passwordHash: string }
export interface ApiKey {
  id: string; orgId: string; name: string; prefix: string; scopes: string[]; createdBy: string; createdAt: number;
  revokedAt: number | null; lastUsedAt: number | null; expiresAt: number | null;
}
export interface ApiKeyWithHash extends ApiKey { secretHash: string }

type Db = Kysely<HubTables>;

const toUser = (r: HubTables['users']): UserWithHash => ({ id: r.id, orgId: r.org_id, email: r.email, role: r.role as Role, createdAt: r.created_at, passwordHash: r.password_hash });
const publicUser = ({ passwordHash: _h, ...u }: UserWithHash): User => u;
const toKey = (r: HubTables['api_keys']): ApiKeyWithHash => ({
  id: r.id, orgId: r.org_id, name: r.name, prefix: r.prefix, scopes: JSON.parse(r.scopes) as string[], createdBy: r.created_by,
  createdAt: r.created_at, revokedAt: r.revoked_at, lastUsedAt: r.last_used_at, expiresAt: r.expires_at, secretHash: r.secret_hash,
});
const publicKey = ({ secretHash: _h, ...k }: ApiKeyWithHash): ApiKey => k;

/** Organisations, users, sessions and API keys. Every read that takes an orgId is scoped to it. */
export class TenancyRepo {
  constructor(private readonly db: Db) {}

  async createOrg(actor: Actor | null, id: string, name: string, at: number): Promise<Org> {
    const org = { id, name, createdAt: at };
    await this.db.transaction().execute(async (trx) => {
      await trx.insertInto('orgs').values({ id, name, created_at: at }).execute().catch((e) => {
        throw isUniqueViolation(e) ? new OutpostError('ERR_HUB_CONFLICT', `organisation name "${name}" is taken; expected a unique name`) : e;
      });
      await writeAudit(trx, actor ?? { orgId: id, id: 'system' }, 'create', 'org', id, null, org, at);
    });
    return org;
  }

  async listOrgs(): Promise<Org[]> {
    const rows = await this.db.selectFrom('orgs').selectAll().orderBy('name').execute();
    return rows.map((r) => ({ id: r.id, name: r.name, createdAt: r.created_at }));
  }

  async getOrg(id: string): Promise<Org | undefined> {
    const r = await this.db.selectFrom('orgs').selectAll().where('id', '=', id).executeTakeFirst();
    return r && { id: r.id, name: r.name, createdAt: r.created_at };
  }

  async countUsers(): Promise<number> {
    const r = await this.db.selectFrom('users').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow();
    return Number(r.n);
  }

  async createUser(actor: Actor | null, u: { id: string; orgId: string; email: string; passwordHash: string; role: Role }, at: number): Promise<User> {
    const user: UserWithHash = { ...u, createdAt: at };
    await this.db.transaction().execute(async (trx) => {
      await trx.insertInto('users').values({ id: u.id, org_id: u.orgId, email: u.email, password_hash: u.passwordHash, role: u.role, created_at: at })
        .execute().catch((e) => {
          throw isUniqueViolation(e) ? new OutpostError('ERR_HUB_CONFLICT', `a user with email "${u.email}" already exists`) : e;
        });
      await writeAudit(trx, actor ?? { orgId: u.orgId, id: 'system' }, 'create', 'user', u.id, null, publicUser(user), at);
    });
    return publicUser(user);
  }

  async findUserByEmail(email: string): Promise<UserWithHash | undefined> {
    const r = await this.db.selectFrom('users').selectAll().where('email', '=', email).executeTakeFirst();
    return r && toUser(r);
  }

  async getUser(orgId: string, id: string): Promise<User | undefined> {
    const r = await this.db.selectFrom('users').selectAll().where('org_id', '=', orgId).where('id', '=', id).executeTakeFirst();
    return r && publicUser(toUser(r));
  }

  async listUsers(orgId: string): Promise<User[]> {
    const rows = await this.db.selectFrom('users').selectAll().where('org_id', '=', orgId).orderBy('email').execute();
    return rows.map((r) => publicUser(toUser(r)));
  }

  async createSession(tokenHash: string, userId: string, expiresAt: number, at: number): Promise<void> {
    await this.db.insertInto('sessions').values({ token_hash: tokenHash, user_id: userId, expires_at: expiresAt, created_at: at }).execute();
  }

  /** The user behind a live session, or undefined when unknown or expired. */
  async findSessionUser(tokenHash: string, now: number): Promise<User | undefined> {
    const r = await this.db.selectFrom('sessions').innerJoin('users', 'users.id', 'sessions.user_id').selectAll('users')
      .where('sessions.token_hash', '=', tokenHash).where('sessions.expires_at', '>', now).executeTakeFirst();
    return r && publicUser(toUser(r));
  }

  async deleteSession(tokenHash: string): Promise<void> {
    await this.db.deleteFrom('sessions').where('token_hash', '=', tokenHash).execute();
  }

  async createApiKey(actor: Actor, k: { id: string; name: string; prefix: string; secretHash: string; scopes: string[]; expiresAt: number | null }, at: number): Promise<ApiKey> {
    const key: ApiKeyWithHash = { ...k, orgId: actor.orgId, createdBy: actor.id, createdAt: at, revokedAt: null, lastUsedAt: null };
    await this.db.transaction().execute(async (trx) => {
      await trx.insertInto('api_keys').values({
        id: k.id, org_id: actor.orgId, name: k.name, prefix: k.prefix, secret_hash: k.secretHash, scopes: JSON.stringify(k.scopes),
        created_by: actor.id, created_at: at, revoked_at: null, last_used_at: null, expires_at: k.expiresAt,
      }).execute();
      await writeAudit(trx, actor, 'create', 'api_key', k.id, null, publicKey(key), at);
    });
    return publicKey(key);
  }

  async findApiKeyByPrefix(prefix: string): Promise<ApiKeyWithHash | undefined> {
    const r = await this.db.selectFrom('api_keys').selectAll().where('prefix', '=', prefix).executeTakeFirst();
    return r && toKey(r);
  }

  async listApiKeys(orgId: string): Promise<ApiKey[]> {
    const rows = await this.db.selectFrom('api_keys').selectAll().where('org_id', '=', orgId).orderBy('created_at').execute();
    return rows.map((r) => publicKey(toKey(r)));
  }

  /** Revoke a key of the caller's org; a key of another org is "not found". */
  async revokeApiKey(actor: Actor, id: string, at: number): Promise<ApiKey> {
    return this.db.transaction().execute(async (trx) => {
      const r = await trx.selectFrom('api_keys').selectAll().where('org_id', '=', actor.orgId).where('id', '=', id).executeTakeFirst();
      if (!r) throw new OutpostError('ERR_HUB_NOT_FOUND', `API key ${id} not found`);
      const before = publicKey(toKey(r));
      if (r.revoked_at !== null) return before;
      await trx.updateTable('api_keys').set({ revoked_at: at }).where('id', '=', id).execute();
      const after = { ...before, revokedAt: at };
      await writeAudit(trx, actor, 'revoke', 'api_key', id, before, after, at);
      return after;
    });
  }

  async touchApiKey(id: string, at: number): Promise<void> {
    await this.db.updateTable('api_keys').set({ last_used_at: at }).where('id', '=', id).execute();
  }

  async getSetting(key: string): Promise<string | undefined> {
    const r = await this.db.selectFrom('hub_settings').select('value').where('key', '=', key).executeTakeFirst();
    return r?.value;
  }

  /** Set a setting only if absent; returns the stored value (first writer wins across processes). */
  async ensureSetting(key: string, value: string): Promise<string> {
    await this.db.insertInto('hub_settings').values({ key, value }).onConflict((oc) => oc.column('key').doNothing()).execute();
    return (await this.getSetting(key)) ?? value;
  }
}
