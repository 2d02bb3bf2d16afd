import type { HubModule } from '../types.js';
import { requires } from '../../core/auth.js';
import { orgOf } from '../../core/route-kit.js';
import { DeviceWatch, type LiveListener } from './device-watch.js';

/** A comment line this often keeps proxies from closing an idle stream. */
const KEEPALIVE_MS = 15_000;

/**
 * GET /v1/events: server-sent events for the dashboard's live views. `devices` carries the devices
 * whose status (or name) changed. Clients load the current state themselves and refetch on events.
 * Authenticated like every route (Authorization header; browsers read it with fetch streaming).
 */
export const liveModule: HubModule = {
  name: 'live',
  register(app, ctx) {
    // Half a heartbeat period, so online → offline shows within a beat of happening.
    const everyMs = Math.min(5000, Math.max(250, (ctx.config.heartbeatIntervalS * 1000) / 2));
    const watch = new DeviceWatch(ctx.services.store, ctx.now, ctx.config.heartbeatIntervalS, everyMs);
    const open = new Set<() => void>();
    // preClose: open streams would otherwise keep the server from closing.
    app.addHook('preClose', async () => { for (const end of open) end(); watch.stop(); });

    app.get('/v1/events', {
      preValidation: requires('read'),
      schema: { tags: ['live'], summary: 'Server-sent events: `devices` (devices whose status changed). Keep-alive comments every 15 s.' },
    }, async (req, reply) => {
      const orgId = orgOf(req);
      reply.hijack();
      const res = reply.raw;
      res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache, no-transform', connection: 'keep-alive', 'x-accel-buffering': 'no' });
      res.write('retry: 2000\n\n');
      const send: LiveListener = (event, data) => { res.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`); };
      const unsubscribe = watch.subscribe(orgId, send);
      const keepalive = setInterval(() => res.write(': keep-alive\n\n'), KEEPALIVE_MS);
      const end = () => { clearInterval(keepalive); unsubscribe(); open.delete(end); res.end(); };
      open.add(end);
      req.raw.on('close', end);
    });
  },
};
