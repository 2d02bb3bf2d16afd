import { existsSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import fastifyStatic from '@fastify/static';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { HubModule } from '../types.js';

/**
 * The built dashboard folder: `hub.dashboardDir`, else `dist/` of the @outpost/dashboard
 * package. Found through module resolution (not import.meta.url) so the bundled CLI finds it too;
 * the hub does not import the dashboard's code.
 */
export function dashboardDir(configured: string | undefined): string | undefined {
  if (configured !== undefined) return resolve(configured);
  try {
    return join(dirname(createRequire(import.meta.url).resolve('@outpost/dashboard/package.json')), 'dist');
  } catch {
    return undefined;
  }
}

const NOT_BUILT = '<!doctype html><title>Outpost</title><p>The dashboard is not built. Run <code>npm run build</code> (or set hub.dashboardDir), then reload. The API is at <a href="/docs">/docs</a>.</p>';
const isFile = (p: string) => existsSync(p) && statSync(p).isFile();

/**
 * The web app at `/`: hashed assets with long caching, any other non-API GET answers index.html
 * so the app's own routes (e.g. /fleet/devices/x) survive a reload.
 */
export const dashboardModule: HubModule = {
  name: 'dashboard',
  async register(app, ctx) {
    const dir = dashboardDir(ctx.config.dashboardDir);
    const built = dir !== undefined && isFile(join(dir, 'index.html'));
    // Page loads are not API calls: keep them out of the per-caller rate limit.
    const config = { rateLimit: false as const };
    if (built) {
      await app.register(fastifyStatic, { root: dir, prefix: '/', wildcard: false, index: false, serve: false, maxAge: '1y', immutable: true });
    }
    const page = async (req: FastifyRequest, reply: FastifyReply) => {
      const path = req.url.split('?')[0]!;
      if (path.startsWith('/v1/') || path === '/v1' || path.startsWith('/docs')) {
        return reply.status(404).send({ error: { code: 'ERR_HUB_NOT_FOUND', message: `no route ${req.method} ${path}` } });
      }
      if (!built) return reply.status(503).type('text/html').send(NOT_BUILT);
      const file = path.replace(/^\/+/, '');
      // Hashed assets may be cached for ever; index.html must always be revalidated.
      if (file !== '' && !file.includes('..') && isFile(join(dir!, file))) return reply.sendFile(file, { maxAge: file.startsWith('assets/') ? 31_536_000_000 : 0, immutable: file.startsWith('assets/') });
      return reply.header('cache-control', 'no-cache').sendFile('index.html', { cacheControl: false });
    };
    app.get('/', { config, schema: { hide: true } }, page);
    app.get('/*', { config, schema: { hide: true } }, page);
  },
};
