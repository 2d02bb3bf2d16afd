export * from './registry.js';
export * from './payload/index.js';
export * from './mqtt/index.js';
export { SourceState } from './source-state.js';
