import type { FastifyInstance } from 'fastify';
import type { HubConfig } from '@outpost/config';

/** What every hub module gets: the config and the clock, passed in rather than global. */
export interface HubContext {
  config: HubConfig;
  version: string;
  startedAt: number;
  now: () => number;
}

/** A feature of the hub (routes plus whatever state it owns), registered from `modules/index.ts`. */
export interface HubModule {
  name: string;
  register(app: FastifyInstance, ctx: HubContext): void | Promise<void>;
}
