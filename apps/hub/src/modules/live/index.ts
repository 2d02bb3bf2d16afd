import type { HubModule } from '../types.js';
import { requires } from '../../core/auth.js';
import { orgOf } from '../../core/route-kit.js';
import { OrgWatch, type LiveListener } from './org-watch.js';
import { deviceSnapshot, openAlertSnapshot } from './snapshots.js';

/** A comment line this often keeps proxies from closing an idle stream. */
const KEEPALIVE_MS = 15_000;

/**
 * GET /v1/events: server-sent events for the dashboard's live views, each `{ changed, removed }`:
 * `devices` (status, name or applied config changed) and `alerts` (open alerts raised, acknowledged, or gone when
 * cleared). Clients load the current state themselves and refetch on events. Authenticated like
 * every route (Authorization header; browsers read the stream with fetch).
 */
export const liveModule: HubModule = {
  name: 'live',
  register(app, ctx) {
    const { store } = ctx.services;
    // Half a heartbeat period, so online → offline shows within a beat of happening.
    const everyMs = Math.min(5000, Math.max(250, (ctx.config.heartbeatIntervalS * 1000) / 2));
    const watches = [
      new OrgWatch('devices', deviceSnapshot(store, ctx.now, ctx.config.heartbeatIntervalS), everyMs),
      new OrgWatch('alerts', openAlertSnapshot(store), everyMs),
    ];
    const open = new Set<() => void>();
    // preClose: open streams would otherwise keep the server from closing.
    app.addHook('preClose', async () => { for (const end of open) end(); for (const w of watches) w.stop(); });

    app.get('/v1/events', {
      preValidation: requires('read'),
      schema: { tags: ['live'], summary: 'Server-sent events `devices` and `alerts`, each { changed, removed }. Keep-alive comments every 15 s.' },
    }, async (req, reply) => {
      const orgId = orgOf(req);
      reply.hijack();
      const res = reply.raw;
      res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache, no-transform', connection: 'keep-alive', 'x-accel-buffering': 'no' });
      res.write('retry: 2000\n\n');
      const send: LiveListener = (event, data) => { res.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`); };
      const unsubscribe = watches.map((w) => w.subscribe(orgId, send));
      const keepalive = setInterval(() => res.write(': keep-alive\n\n'), KEEPALIVE_MS);
      const end = () => { clearInterval(keepalive); for (const u of unsubscribe) u(); open.delete(end); res.end(); };
      open.add(end);
      req.raw.on('close', end);
    });
  },
};
