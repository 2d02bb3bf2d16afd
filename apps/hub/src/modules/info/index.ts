import type { HubModule } from '../types.js';

/** What this hub is: name, version, uptime. Useful to check which build answers. */
export const infoModule: HubModule = {
  name: 'info',
  register(app, ctx) {
    app.get('/v1/info', async () => ({
      name: 'outpost-hub',
      version: ctx.version,
      startedAt: new Date(ctx.startedAt).toISOString(),
      uptimeMs: ctx.now() - ctx.startedAt,
      node: process.version,
    }));
  },
};
