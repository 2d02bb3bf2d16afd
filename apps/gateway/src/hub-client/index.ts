export { HubClient, HubError, startHubClient, type HubClientOptions } from './client.js';
export type { HubClientState } from './state.js';
