import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { OutpostError } from '@outpost/contract';
import { UPLINK_HEADERS, UPLINK_PATHS } from '@outpost/contract/wire/index';
import type { HubModule } from '../types.js';
import { SharedTokenAuthenticator, type GatewayAuthenticator } from './auth.js';
import { ingestBatch } from './ingest.js';
import { SqliteUplinkStore } from './sqlite-store.js';
import type { UplinkStore } from './store.js';

export type { GatewayAuthenticator, GatewayIdentity } from './auth.js';
export type { UplinkStore, UplinkBatchRecord, UplinkItemRecord } from './store.js';
export { SqliteUplinkStore } from './sqlite-store.js';
export { SharedTokenAuthenticator } from './auth.js';

export interface UplinkModuleDeps { store: UplinkStore; authenticator: GatewayAuthenticator; maxBodyBytes: number; maxDecodedBytes: number }

/**
 * The hub's uplink ingest endpoint (protocol: packages/contract/src/wire/protocol.ts). By default
 * it owns a SQLite UplinkStore at hub.uplink.dbPath and authenticates with hub.uplink.gateways;
 * `createUplinkModule` lets the hub's tenancy and storage plug in their own.
 */
export function createUplinkModule(make?: (ctx: Parameters<HubModule['register']>[1]) => UplinkModuleDeps): HubModule {
  return {
    name: 'uplink',
    async register(app, ctx) {
      let deps: UplinkModuleDeps;
      if (make) deps = make(ctx);
      else {
        const cfg = ctx.config.uplink;
        // The store opens on the first uplink request, so a hub that never receives one creates no file.
        let opened: UplinkStore | undefined;
        deps = {
          store: {
            commitBatch: (b) => (opened ??= new SqliteUplinkStore(cfg.dbPath ?? join(ctx.config.dataDir, 'uplink.db'))).commitBatch(b),
            close: async () => opened?.close(),
          },
          authenticator: new SharedTokenAuthenticator(cfg.gateways, cfg.allowUnauthenticated),
          maxBodyBytes: cfg.maxBodyBytes,
          maxDecodedBytes: cfg.maxDecodedBytes,
        };
      }
      await registerUplinkRoutes(app, deps, ctx.now);
    },
  };
}

/** The uplink routes on `app` (also usable without the rest of the hub, e.g. a test process of the ingest endpoint alone). */
export async function registerUplinkRoutes(app: FastifyInstance, deps: UplinkModuleDeps, now: () => number): Promise<void> {
  app.addHook('onClose', async () => deps.store.close());
  await app.register(async (scope) => {
    scope.addContentTypeParser(['application/x-protobuf', 'application/octet-stream'], { parseAs: 'buffer', bodyLimit: deps.maxBodyBytes }, (_req, body, done) => done(null, body));
    // An error here becomes { code, message } with the catalogue's status: the gateway reads `code`.
    scope.setErrorHandler((err: Error & { statusCode?: number }, _req, reply) => {
      if (err instanceof OutpostError) return reply.code(err.status).send(err.toJSON());
      const status = err.statusCode ?? 500;
      const code = status === 413 ? 'ERR_INGEST_TOO_LARGE' : status < 500 ? 'ERR_UPLINK_INVALID' : 'ERR_INTERNAL';
      if (status >= 500) app.log.error({ err }, 'uplink request failed');
      return reply.code(status === 415 ? 400 : status).send({ code, message: err.message });
    });
    const authenticate = async (headers: Record<string, string | string[] | undefined>) => {
      const gw = headers[UPLINK_HEADERS.gateway];
      const auth = headers.authorization;
      const shared = headers[UPLINK_HEADERS.token];
      const token = typeof shared === 'string' ? shared : typeof auth === 'string' && auth.startsWith('Bearer ') ? auth.slice(7) : undefined;
      const who = typeof gw === 'string' ? await deps.authenticator.authenticate(gw, token) : null;
      if (!who) throw new OutpostError('ERR_AUTH_REQUIRED', `uplink: gateway ${JSON.stringify(gw ?? null)} is unknown or its token is wrong; send ${UPLINK_HEADERS.gateway} and ${UPLINK_HEADERS.token}: <gateway token>`);
      return who;
    };
    // Both routes are exempt from the hub-wide per-caller rate limit: a gateway has one batch in flight at a time.
    scope.get(UPLINK_PATHS.probe, { config: { rateLimit: false } }, async (req) => {
      const who = await authenticate(req.headers);
      return { ok: true, gateway: who.gateway, at: now() };
    });
    scope.post(UPLINK_PATHS.batches, { config: { rateLimit: false } }, async (req) => {
      const who = await authenticate(req.headers);
      if (!Buffer.isBuffer(req.body)) throw new OutpostError('ERR_UPLINK_INVALID', 'uplink: expected an application/x-protobuf body');
      return ingestBatch(deps.store, who, req.headers, req.body, { maxDecodedBytes: deps.maxDecodedBytes }, now());
    });
  });
}

export const uplinkModule: HubModule = createUplinkModule();
