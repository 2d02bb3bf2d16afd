export * from './schema/index.js';
export { loadConfig, defaultConfig, type LoadConfigOptions } from './load.js';
export { ConfigError, type ConfigIssue } from './errors.js';
export { publishedSchema, settings, envName, type Setting, type JsonSchema } from './json-schema.js';
export { isLoopback } from './rules.js';
export { renderConfigReference, renderJsonSchema } from './reference.js';
