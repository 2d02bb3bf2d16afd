import { randomUUID } from 'node:crypto';
import type { Static } from '@sinclair/typebox';
import { OutpostError } from '@outpost/contract';
import type { HubModule } from '../types.js';
import { requires, type Scope } from '../../core/auth.js';
import { hashSecret, newSecret } from '../../core/secrets.js';
import { actorOf, errorResponses, IdParams } from '../../core/route-kit.js';
import { checkPassword, hashPassword } from './passwords.js';
import { ApiKeyBody, AuditQuerySchema, LoginBody, OrgBody, SetupBody, UserBody } from './schemas.js';

/** Organisations, users, sessions, API keys and the audit log. */
export const accountsModule: HubModule = {
  name: 'accounts',
  register(app, ctx) {
    const { store, auth } = ctx.services;
    const tags = ['accounts'];

    app.post('/v1/setup', {
      schema: { tags, summary: 'First run: create the first organisation and its system admin (only while the hub has no users).', body: SetupBody, response: errorResponses(409) },
    }, async (req, reply) => {
      const b = req.body as Static<typeof SetupBody>;
      if ((await store.tenancy.countUsers()) > 0) throw new OutpostError('ERR_HUB_CONFLICT', 'the hub is already set up; log in at POST /v1/sessions');
      const at = ctx.now();
      const org = await store.tenancy.createOrg(null, randomUUID(), b.orgName, at);
      const user = await store.tenancy.createUser(null, { id: randomUUID(), orgId: org.id, email: b.email, passwordHash: await hashPassword(b.password), role: 'system_admin' }, at);
      return reply.status(201).send({ org, user });
    });

    app.post('/v1/sessions', {
      schema: { tags, summary: 'Log in with email and password; returns a session token.', body: LoginBody, security: [], response: errorResponses() },
    }, async (req, reply) => {
      const b = req.body as Static<typeof LoginBody>;
      const user = await store.tenancy.findUserByEmail(b.email);
      if (!(await checkPassword(b.password, user?.passwordHash)) || !user) throw new OutpostError('ERR_AUTH_INVALID', 'email or password is wrong');
      const token = newSecret('ops').token;
      const at = ctx.now();
      const expiresAt = at + ctx.config.auth.sessionTtlS * 1000;
      await store.tenancy.createSession(hashSecret(token), user.id, expiresAt, at);
      return reply.status(201).send({ token, expiresAt, user: { id: user.id, orgId: user.orgId, email: user.email, role: user.role } });
    });

    app.delete('/v1/sessions/current', { preValidation: requires('read'), schema: { tags, summary: 'Log out (end this session).' } }, async (req, reply) => {
      if (req.principal?.kind !== 'user') throw new OutpostError('ERR_AUTH_FORBIDDEN', 'only a session can log out');
      const cred = req.headers.authorization?.slice(7).trim() ?? '';
      await store.tenancy.deleteSession(hashSecret(cred));
      return reply.status(204).send();
    });

    app.get('/v1/me', { preValidation: requires('read'), schema: { tags, summary: 'Who the caller is.' } }, async (req) => req.principal);

    app.post('/v1/orgs', { preValidation: requires('system'), schema: { tags, summary: 'Create an organisation (system admin).', body: OrgBody, response: errorResponses(409) } }, async (req, reply) => {
      const org = await store.tenancy.createOrg(actorOf(req), randomUUID(), (req.body as Static<typeof OrgBody>).name, ctx.now());
      return reply.status(201).send(org);
    });

    app.get('/v1/orgs', { preValidation: requires('system'), schema: { tags, summary: 'List organisations (system admin).' } }, async () => ({ items: await store.tenancy.listOrgs() }));

    app.post('/v1/users', { preValidation: requires('admin'), schema: { tags, summary: 'Create a user in the caller\'s organisation (system admins may name another).', body: UserBody, response: errorResponses(404, 409) } }, async (req, reply) => {
      const b = req.body as Static<typeof UserBody>;
      const p = req.principal!;
      let orgId = p.orgId;
      if (b.orgId !== undefined && b.orgId !== p.orgId) {
        if (p.role !== 'system_admin') throw new OutpostError('ERR_AUTH_FORBIDDEN', 'only a system admin can create users in another organisation');
        if (!(await store.tenancy.getOrg(b.orgId))) throw new OutpostError('ERR_HUB_NOT_FOUND', `organisation ${b.orgId} not found`);
        orgId = b.orgId;
      }
      const user = await store.tenancy.createUser({ orgId, id: p.actor }, { id: randomUUID(), orgId, email: b.email, passwordHash: await hashPassword(b.password), role: b.role }, ctx.now());
      return reply.status(201).send(user);
    });

    app.get('/v1/users', { preValidation: requires('read'), schema: { tags, summary: 'Users of the caller\'s organisation.' } }, async (req) => ({ items: await store.tenancy.listUsers(req.principal!.orgId) }));

    app.post('/v1/api-keys', { preValidation: requires('admin'), schema: { tags, summary: 'Create an API key; the secret is in this response only.', body: ApiKeyBody } }, async (req, reply) => {
      const b = req.body as Static<typeof ApiKeyBody>;
      const p = req.principal!;
      const beyond = b.scopes.filter((s) => !p.scopes.includes(s as Scope));
      if (beyond.length) throw new OutpostError('ERR_AUTH_FORBIDDEN', `cannot grant scopes the caller lacks: ${beyond.join(', ')}`);
      const secret = newSecret('opk');
      const key = await store.tenancy.createApiKey(actorOf(req), { id: randomUUID(), name: b.name, prefix: secret.prefix, secretHash: secret.hash, scopes: b.scopes, expiresAt: b.expiresAt ?? null }, ctx.now());
      return reply.status(201).send({ ...key, secret: secret.token });
    });

    app.get('/v1/api-keys', { preValidation: requires('admin'), schema: { tags, summary: 'API keys of the organisation (never the secrets).' } }, async (req) => ({ items: await store.tenancy.listApiKeys(req.principal!.orgId) }));

    app.delete('/v1/api-keys/:id', { preValidation: requires('admin'), schema: { tags, summary: 'Revoke an API key.', params: IdParams, response: errorResponses(404) } }, async (req) => {
      const key = await store.tenancy.revokeApiKey(actorOf(req), (req.params as { id: string }).id, ctx.now());
      auth.forgetKey(key.prefix);
      return key;
    });

    app.get('/v1/audit', { preValidation: requires('admin'), schema: { tags, summary: 'Audit log of the organisation, newest first.', querystring: AuditQuerySchema } }, async (req) => {
      const q = req.query as Static<typeof AuditQuerySchema>;
      return { items: await store.audit(req.principal!.orgId, { ...q, limit: q.limit ?? 100 }) };
    });
  },
};
