export { startHubLink, defaultHardwareId, type HubLink, type HubLinkOptions } from './supervisor.js';
export { createHealth, systemMetrics } from './health.js';
