export * from './types.js';
export * from './limits.js';
export { createScript, SandboxedScript, type CreateScriptOptions } from './script.js';
export { UsageStats, type UsageSnapshot } from './stats.js';
export { toPoint } from './output.js';
