import type { TestContext } from 'node:test';
import assert from 'node:assert/strict';
import type { FastifyInstance, InjectOptions } from 'fastify';
import { loadConfig, type HubConfig } from '@outpost/config';
import { tempDir } from '@outpost/testing';
import { HubStore } from '@outpost/storage/hub/index';
import { pgTestSchema } from '@outpost/storage/hub/pg-test-db';
import { createHub } from '../server.js';

export type Adapter = 'sqlite' | 'postgres';

export interface Fixture {
  app: FastifyInstance;
  config: HubConfig;
  dataDir: string;
  clock: { now: number };
  /** inject with an optional credential; JSON bodies by default. */
  call(method: InjectOptions['method'], url: string, opts?: { token?: string; apiKey?: string; body?: unknown; payload?: string | Buffer; headers?: Record<string, string> }): Promise<{ status: number; json: any; body: string }>;
  /** Set up the hub: first org with a system admin; returns a session token. */
  setup(): Promise<{ token: string; orgId: string }>;
  /** A new org (made by the system admin) with its own org admin logged in. */
  org(name: string): Promise<{ token: string; orgId: string }>;
}

export const T0 = Date.UTC(2026, 10, 1, 12, 0, 0);
export const PASSWORD = 'correct horse battery staple';

/** A hub on a fresh store of the given adapter; undefined when PostgreSQL is absent outside CI (skipped). */
export async function hubFixture(t: TestContext, adapter: Adapter, hub: Record<string, unknown> = {}): Promise<Fixture | undefined> {
  const tmp = tempDir('outpost-hub-');
  t.after(tmp.cleanup);
  let store: HubStore;
  if (adapter === 'postgres') {
    const fresh = await pgTestSchema(t);
    if (!fresh) return undefined;
    store = await HubStore.open(fresh());
  } else {
    store = await HubStore.open({ kind: 'sqlite', path: `${tmp.dir}/hub.db` });
  }
  const config = loadConfig({ overrides: { hub: { port: 0, dataDir: tmp.dir, log: { level: 'silent' }, maxBodyBytes: 64 * 1024, ...hub } as never } }).hub;
  const clock = { now: T0 };
  const app = await createHub(config, { now: () => clock.now, store });
  t.after(() => app.close());
  const f: Fixture = {
    app, config, dataDir: tmp.dir, clock,
    async call(method, url, o = {}) {
      const headers: Record<string, string> = { ...o.headers };
      if (o.token) headers.authorization = `Bearer ${o.token}`;
      if (o.apiKey) headers['x-api-key'] = o.apiKey;
      const res = await app.inject({ method, url, headers, ...(o.payload !== undefined ? { payload: o.payload } : o.body !== undefined ? { payload: o.body as object } : {}) });
      let json: unknown;
      try { json = res.body ? JSON.parse(res.body) : undefined; } catch { json = undefined; }
      return { status: res.statusCode, json, body: res.body };
    },
    async setup() {
      const r = await f.call('POST', '/v1/setup', { body: { orgName: 'Acme', email: 'root@acme.test', password: PASSWORD } });
      assert.equal(r.status, 201, r.body);
      const login = await f.call('POST', '/v1/sessions', { body: { email: 'root@acme.test', password: PASSWORD } });
      assert.equal(login.status, 201, login.body);
      return { token: login.json.token, orgId: r.json.org.id };
    },
    async org(name) {
      const root = await f.call('POST', '/v1/sessions', { body: { email: 'root@acme.test', password: PASSWORD } });
      const o = await f.call('POST', '/v1/orgs', { token: root.json.token, body: { name } });
      assert.equal(o.status, 201, o.body);
      const email = `admin@${name.toLowerCase()}.test`;
      const u = await f.call('POST', '/v1/users', { token: root.json.token, body: { email, password: PASSWORD, role: 'org_admin', orgId: o.json.id } });
      assert.equal(u.status, 201, u.body);
      const login = await f.call('POST', '/v1/sessions', { body: { email, password: PASSWORD } });
      return { token: login.json.token, orgId: o.json.id };
    },
  };
  return f;
}

/** Assert an error response: status and catalogue code. */
export function assertError(r: { status: number; json: any; body: string }, status: number, code: string): void {
  assert.equal(r.status, status, r.body);
  assert.equal(r.json?.error?.code, code, r.body);
  assert.equal(typeof r.json.error.message, 'string');
}
