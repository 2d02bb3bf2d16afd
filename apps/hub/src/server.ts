import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import rateLimit from '@fastify/rate-limit';
import { OutpostError } from '@outpost/contract';
import type { HubConfig } from '@outpost/config';
import type { HubStore } from '@outpost/storage/hub/index';
import { HUB_MODULES, type HubContext } from './modules/index.js';
import { createServices } from './core/services.js';
import { actingAs, Authenticator, ORG_HEADER } from './core/auth.js';
import { ErrorBodySchema, installErrorHandling } from './core/errors.js';
import { installValidators } from './core/validation.js';
import type { ObjectStore } from './core/object-store.js';

export const HUB_VERSION = '0.1.0';

export interface HubOptions {
  /** A pino logger (fastify's logger interface). Omitted: a pino logger at `config.log.level`. */
  logger?: FastifyBaseLogger;
  now?: () => number;
  /** An opened store (tests on PostgreSQL schemas); omitted: opened from `config.db`. Closed with the hub either way. */
  store?: HubStore;
  objects?: ObjectStore;
}

export interface HubHandle {
  /** Base URL, e.g. `http://127.0.0.1:8080`. */
  url: string;
  address: { host: string; port: number };
  app: FastifyInstance;
  stop(): Promise<void>;
}

/** The hub's HTTP app with every module registered, not yet listening (tests use `inject`). */
export async function createHub(config: HubConfig, opts: HubOptions = {}): Promise<FastifyInstance> {
  const base = { bodyLimit: config.maxBodyBytes };
  const app = opts.logger
    ? Fastify({ ...base, loggerInstance: opts.logger })
    : Fastify({ ...base, logger: { level: config.log.level } });
  const now = opts.now ?? Date.now;
  const services = await createServices(config, now, app.log, opts.store, opts.objects);
  app.addHook('onClose', async () => { await services.ingest.drained(); await services.store.close(); });
  const ctx: HubContext = { config, version: HUB_VERSION, startedAt: now(), now, services };

  installErrorHandling(app, config.maxBodyBytes);
  installValidators(app);
  app.addSchema(ErrorBodySchema);
  await app.register(swagger, {
    openapi: {
      info: { title: 'Outpost hub API', version: HUB_VERSION, description: 'Multi-tenant control plane: tenancy, provisioning, registry, heartbeats, configuration, ingest and time series. Errors are `{error:{code,message}}` with codes from the Outpost error catalogue.' },
      components: {
        securitySchemes: {
          bearer: { type: 'http', scheme: 'bearer', description: 'Session token (ops_…), API key (opk_…) or device token (odt.…)' },
          apiKey: { type: 'apiKey', in: 'header', name: 'X-API-Key' },
        },
      },
      security: [{ bearer: [] }, { apiKey: [] }],
    },
  });
  // Assets come from the package folder (@fastify/static), no CDN.
  await app.register(swaggerUi, { routePrefix: '/docs' });

  // Authenticate every request up front (a bad credential is 401 even on public routes), so the
  // rate limiter can key on the proven caller; routes then check scopes with `requires`, both
  // before body validation.
  app.decorateRequest('principal', null);
  app.addHook('onRequest', async (req) => {
    req.principal = await actingAs(await services.auth.resolve(Authenticator.credentialOf(req)), req.headers[ORG_HEADER], services.store);
  });
  await app.register(rateLimit, {
    hook: 'preValidation',
    max: config.auth.rateLimitPerMinute,
    timeWindow: 60_000,
    keyGenerator: (req) => (req.principal ? `${req.principal.kind}:${req.principal.id}` : `ip:${req.ip}`),
    errorResponseBuilder: (_req, c) => Object.assign(
      new OutpostError('ERR_AUTH_RATE_LIMITED', `rate limit of ${c.max} requests per ${c.after} exceeded for this caller; retry after ${c.after}`),
      { statusCode: 429 }),
  });

  for (const m of HUB_MODULES) await m.register(app, ctx);
  return app;
}

/** Start the hub on `config.host:config.port`. A taken port fails with ERR_PORT_IN_USE. */
export async function startHub(config: HubConfig, opts: HubOptions = {}): Promise<HubHandle> {
  const app = await createHub(config, opts);
  try {
    await app.listen({ host: config.host, port: config.port });
  } catch (e) {
    await app.close();
    if ((e as NodeJS.ErrnoException).code === 'EADDRINUSE') {
      throw new OutpostError('ERR_PORT_IN_USE',
        `hub.port: ${config.host}:${config.port} is already in use by another process; expected a free port (set hub.port or OUTPOST_HUB_PORT, 0 picks any)`,
        { setting: 'hub.port', host: config.host, port: config.port }, { cause: e });
    }
    throw e;
  }
  const addr = app.server.address();
  const port = typeof addr === 'object' && addr ? addr.port : config.port;
  const host = config.host.includes(':') ? `[${config.host}]` : config.host;
  return { url: `http://${host}:${port}`, address: { host: config.host, port }, app, stop: () => app.close() };
}
