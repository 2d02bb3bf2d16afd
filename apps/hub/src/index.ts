export { startHub, createHub, HUB_VERSION, type HubHandle, type HubOptions } from './server.js';
export { HUB_MODULES, type HubModule, type HubContext } from './modules/index.js';
export { migrateHub } from './migrate.js';
