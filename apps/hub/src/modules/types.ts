import type { FastifyInstance } from 'fastify';
import type { HubConfig } from '@outpost/config';
import type { HubServices } from '../core/services.js';

/** What every hub module gets: the config, the clock and the shared services, passed in rather than global. */
export interface HubContext {
  config: HubConfig;
  version: string;
  startedAt: number;
  now: () => number;
  services: HubServices;
}

/** A feature of the hub (routes plus whatever state it owns), registered from `modules/index.ts`. */
export interface HubModule {
  name: string;
  register(app: FastifyInstance, ctx: HubContext): void | Promise<void>;
}
