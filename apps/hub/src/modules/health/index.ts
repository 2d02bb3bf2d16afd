import type { HubModule } from '../types.js';

/** Liveness: answers while the process serves requests. */
export const healthModule: HubModule = {
  name: 'health',
  register(app) {
    app.get('/health', async () => ({ status: 'ok' }));
  },
};
