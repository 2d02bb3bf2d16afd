import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import { OutpostError } from '@outpost/contract';
import type { HubConfig } from '@outpost/config';
import { HUB_MODULES, type HubContext } from './modules/index.js';

export const HUB_VERSION = '0.1.0';

export interface HubOptions {
  /** A pino logger (fastify's logger interface). Omitted: a pino logger at `config.log.level`. */
  logger?: FastifyBaseLogger;
  now?: () => number;
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
  const app = opts.logger
    ? Fastify({ loggerInstance: opts.logger })
    : Fastify({ logger: { level: config.log.level } });
  const now = opts.now ?? Date.now;
  const ctx: HubContext = { config, version: HUB_VERSION, startedAt: now(), now };
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
