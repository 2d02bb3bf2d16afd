export * from './point.js';
export * from './errors.js';
export * from './ingest.js';
export * from './connector.js';
export * from './logger.js';
export * from './rollup.js';
