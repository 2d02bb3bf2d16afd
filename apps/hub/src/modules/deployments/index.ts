import { Type, type Static } from '@sinclair/typebox';
import { OutpostError } from '@outpost/contract';
import type { HubModule } from '../types.js';
import { requires } from '../../core/auth.js';
import { actorOf, errorResponses, IdParams, orgOf, Obj } from '../../core/route-kit.js';
import { ActionParams, CreateBody } from './schemas.js';
import { DeploymentController } from './controller.js';
import { summarise } from './summary.js';

/** How often running deployments are moved on (timeouts, gates, next batch). */
export const TICK_MS = 250;

const ListQuery = Obj({ state: Type.Optional(Type.String({ enum: ['created', 'running', 'paused', 'completed', 'cancelled', 'rolled_back'] })) });
const DevicesQuery = Obj({ state: Type.Optional(Type.String({ maxLength: 20 })) });

/**
 * Deployments: roll an artifact version out to a target with a strategy (immediate, canary,
 * rolling, A/B) under health gates, with pause/resume/cancel/rollback and per-device states.
 * Gateways learn their desired artifacts in the heartbeat (provisioning module) and report back.
 */
export const deploymentsModule: HubModule = {
  name: 'deployments',
  register(app, ctx) {
    const { store } = ctx.services;
    const controller = new DeploymentController(store, ctx.now, () => ctx.services.changes.bump());
    const tags = ['deployments'];
    const timer = setInterval(() => { controller.tick().catch((err: unknown) => app.log.error({ err }, 'deployment tick failed')); }, TICK_MS);
    timer.unref();
    app.addHook('onClose', async () => clearInterval(timer));

    app.post('/v1/deployments', { preValidation: requires('write'), schema: { tags, summary: 'Create a deployment (start: true starts it at once).', body: CreateBody, response: errorResponses(404, 409) } }, async (req, reply) => {
      const r = await controller.create(actorOf(req), req.body as CreateBody);
      return reply.status(201).send(summarise(r, await store.rollouts.devices(r.id)));
    });
    app.get('/v1/deployments', { preValidation: requires('read'), schema: { tags, summary: 'Deployments, newest first, with progress and failures by reason.', querystring: ListQuery } }, async (req) => {
      const q = req.query as Static<typeof ListQuery>;
      const list = await store.rollouts.list(orgOf(req), q.state ? { state: q.state as never } : {});
      return { items: await Promise.all(list.map(async (r) => summarise(r, await store.rollouts.devices(r.id)))) };
    });
    app.get('/v1/deployments/:id', { preValidation: requires('read'), schema: { tags, summary: 'One deployment: state and reason, progress, failures grouped by reason, A/B arms.', params: IdParams, response: errorResponses(404) } }, async (req) => {
      const r = await store.rollouts.get(orgOf(req), (req.params as { id: string }).id);
      return summarise(r, await store.rollouts.devices(r.id));
    });
    app.get('/v1/deployments/:id/devices', { preValidation: requires('read'), schema: { tags, summary: 'Per-device state, batch, versions, error and timestamps.', params: IdParams, querystring: DevicesQuery, response: errorResponses(404) } }, async (req) => {
      const r = await store.rollouts.get(orgOf(req), (req.params as { id: string }).id);
      const state = (req.query as Static<typeof DevicesQuery>).state;
      return { items: (await store.rollouts.devices(r.id)).filter((d) => state === undefined || d.state === state) };
    });
    app.post('/v1/deployments/:id/:action', { preValidation: requires('write'), schema: { tags, summary: 'start, pause, resume, cancel or rollback.', params: ActionParams, response: errorResponses(404, 409) } }, async (req) => {
      const p = req.params as Static<typeof ActionParams>;
      const r = await controller.act(actorOf(req), p.id, p.action);
      return summarise(r, await store.rollouts.devices(r.id));
    });
    app.get('/v1/devices/:id/deployment-history', { preValidation: requires('read'), schema: { tags, summary: 'What was deployed to this device, when, and how it went (newest first).', params: IdParams, response: errorResponses(404) } }, async (req) => {
      const id = (req.params as { id: string }).id;
      if (!(await store.fleet.getDevice(orgOf(req), id))) throw new OutpostError('ERR_HUB_NOT_FOUND', `device ${id} not found`);
      return { items: await store.rollouts.history(orgOf(req), id) };
    });
  },
};
