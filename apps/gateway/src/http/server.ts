import Fastify, { type FastifyInstance } from 'fastify';
import swagger from '@fastify/swagger';
import type { Ingestor, Logger } from '@outpost/contract';
import type { DecodeLimits } from '@outpost/connectors';
import type { GatewayStore } from '@outpost/storage';
import type { Registry } from 'prom-client';
import { installTokenAuth } from './auth.js';
import { installErrorHandler } from './errors.js';
import { registerPointRoutes } from './points-routes.js';

export interface GatewayHttpDeps {
  ingestor: Ingestor;
  store: GatewayStore;
  limits: DecodeLimits;
  maxBodyBytes: number;
  token?: string | undefined;
  status: () => unknown;
  /** The Prometheus registry, created on first use. */
  metrics: () => Registry;
  now: () => number;
  logger?: Logger;
}

/** The gateway's local HTTP API. Built without listening, so tests use `inject`. */
export async function buildGatewayHttp(deps: GatewayHttpDeps): Promise<FastifyInstance> {
  const app = Fastify({ bodyLimit: deps.maxBodyBytes, logger: false, forceCloseConnections: true });
  installErrorHandler(app, (raw) => deps.ingestor.rejectInput({ source: 'http', origin: 'http', raw, receivedAt: deps.now() }, { reason: 'too_large', message: `request body exceeds gateway.http.maxBodyBytes (${deps.maxBodyBytes} bytes)` }));
  // The OpenAPI document is generated from the same route schemas that validate requests.
  await app.register(swagger, { openapi: { info: { title: 'Outpost gateway local API', version: '1' } } });
  installTokenAuth(app, deps.token);
  app.get('/health', async () => ({ status: 'ok' }));
  app.get('/v1/status', { schema: { summary: 'Ingest counters, store usage, connector states' } }, async () => deps.status());
  app.get('/metrics', async (_req, reply) => {
    const registry = deps.metrics();
    return reply.header('content-type', registry.contentType).send(await registry.metrics());
  });
  app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger());
  registerPointRoutes(app, deps);
  return app;
}
