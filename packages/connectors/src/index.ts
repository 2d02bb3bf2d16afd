export * from './registry.js';
export * from './payload/index.js';
export * from './mqtt/index.js';
export * from './modbus/index.js';
export { SourceState } from './source-state.js';
