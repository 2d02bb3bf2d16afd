import type { HubModule } from './types.js';
import { healthModule } from './health/index.js';
import { infoModule } from './info/index.js';

/** The hub's modules, in registration order. A new feature adds a folder and one line here. */
export const HUB_MODULES: readonly HubModule[] = [healthModule, infoModule];

export type { HubModule, HubContext } from './types.js';
