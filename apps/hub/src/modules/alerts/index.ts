import { Type, type Static } from '@sinclair/typebox';
import { OutpostError } from '@outpost/contract';
import type { HubModule } from '../types.js';
import { requires } from '../../core/auth.js';
import { actorOf, errorResponses, IdParams, orgOf, Obj } from '../../core/route-kit.js';
import { CloudAlerts } from './cloud-alerts.js';

const Name = Type.String({ minLength: 1, maxLength: 200 });
const AlertsQuery = Obj({
  state: Type.Optional(Type.Unsafe<'raised' | 'acknowledged' | 'cleared' | 'open'>({ type: 'string', enum: ['raised', 'acknowledged', 'cleared', 'open'], description: '`open` = raised or acknowledged.' })),
  source: Type.Optional(Type.Unsafe<'edge' | 'cloud'>({ type: 'string', enum: ['edge', 'cloud'], description: 'edge: raised on a gateway and sent through the uplink; cloud: raised by the hub\'s rules.' })),
  gateway: Type.Optional(Name), device: Type.Optional(Name), rule: Type.Optional(Name),
  severity: Type.Optional(Type.Unsafe<'info' | 'warning' | 'critical'>({ type: 'string', enum: ['info', 'warning', 'critical'] })),
  from: Type.Optional(Type.Integer({ minimum: 0, description: 'Raised at or after, epoch ms.' })),
  to: Type.Optional(Type.Integer({ minimum: 0, description: 'Raised before, epoch ms.' })),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 10_000, default: 100 })),
});
// The acknowledgement records who (the caller); there is nothing else to send.
const AckBody = Type.Union([Obj({}), Type.Null()]);
const ClearBody = Type.Union([Obj({ message: Type.Optional(Type.String({ minLength: 1, maxLength: 1000 })) }), Type.Null()]);
const RulesBody = Obj({ rules: Type.Array(Type.Record(Type.String(), Type.Unknown()), { maxItems: 10_000, description: 'Alert rules as in gateway.alerts.rules (docs/alerts.md); the hub evaluates those with location cloud or both.' }) });
const DeliveriesQuery = Obj({
  alertId: Type.Optional(Name), rule: Type.Optional(Name),
  outcome: Type.Optional(Type.Unsafe<'ok' | 'retry' | 'failed' | 'dropped'>({ type: 'string', enum: ['ok', 'retry', 'failed', 'dropped'] })),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 10_000, default: 100 })),
});

/**
 * Alerts per organisation: the history of edge alerts (from gateways through the uplink) and
 * cloud alerts (the hub's own rules on the data it ingests), acknowledge and clear, the cloud
 * rule set, and the log of every action attempt (signed webhooks) the hub made.
 */
export const alertsModule: HubModule = {
  name: 'alerts',
  register(app, ctx) {
    const { store } = ctx.services;
    const cloud = new CloudAlerts(store, ctx.now, app.log);
    const off = ctx.services.stored.on((orgId, points) => cloud.onPoints(orgId, points));
    app.addHook('onClose', async () => { off(); await cloud.stop(); });
    const tags = ['alerts'];

    app.get('/v1/alerts', { preValidation: requires('read'), schema: { tags, summary: 'Alert history, newest first: active alerts with state=open; filters by source, gateway, device, rule, severity and raising time.', querystring: AlertsQuery, response: errorResponses() } }, async (req) => {
      await cloud.flushed();
      return { items: await store.alerts.list(orgOf(req), req.query as Static<typeof AlertsQuery>) };
    });

    app.get('/v1/alerts/deliveries', { preValidation: requires('read'), schema: { tags, summary: 'Every action attempt of the hub\'s cloud rules (signed webhooks with retries), newest first.', querystring: DeliveriesQuery, response: errorResponses() } }, async (req) => {
      await cloud.flushed();
      return { items: await store.alerts.deliveries(orgOf(req), req.query as Static<typeof DeliveriesQuery>) };
    });

    app.get('/v1/alerts/:id', { preValidation: requires('read'), schema: { tags, summary: 'One alert with its triggering points and timestamps.', params: IdParams, response: errorResponses(404) } }, async (req) => {
      await cloud.flushed();
      return found(await store.alerts.get(orgOf(req), (req.params as { id: string }).id), (req.params as { id: string }).id);
    });

    const change = (to: 'acknowledged' | 'cleared') => async (req: import('fastify').FastifyRequest) => {
      const actor = actorOf(req);
      const id = (req.params as { id: string }).id;
      await cloud.flushed();
      const alert = found(await store.alerts.get(actor.orgId, id), id);
      const body = (req.body ?? {}) as { message?: string };
      return cloud.transition(actor, alert, to, to === 'acknowledged' ? actor.id : (body.message ?? `cleared by ${actor.id}`));
    };
    app.post('/v1/alerts/:id/ack', { preValidation: requires('write'), schema: { tags, summary: 'Acknowledge an open alert (recorded with who did it). For an edge alert this is the hub\'s record; the gateway keeps its own.', params: IdParams, body: AckBody, response: errorResponses(404, 409) } }, change('acknowledged'));
    app.post('/v1/alerts/:id/clear', { preValidation: requires('write'), schema: { tags, summary: 'Clear an open alert by hand; a cloud rule may raise it again.', params: IdParams, body: ClearBody, response: errorResponses(404, 409) } }, change('cleared'));

    app.get('/v1/alert-rules', { preValidation: requires('read'), schema: { tags, summary: 'The organisation\'s current cloud rule set (version, rules; rules with location edge are kept but not evaluated here).', response: errorResponses() } }, async (req) => {
      const set = await store.alerts.rules(orgOf(req));
      return set ?? { version: null, rules: [], createdBy: null, createdAt: null };
    });

    app.put('/v1/alert-rules', { preValidation: requires('admin'), schema: { tags, summary: 'Store a new version of the cloud rule set (validated like gateway.alerts.rules; errors name rules[i]) and start evaluating it.', body: RulesBody, response: errorResponses() } }, async (req, reply) => {
      const rules = (req.body as Static<typeof RulesBody>).rules;
      const checked = CloudAlerts.validate(rules);
      const set = await store.alerts.putRules(actorOf(req), rules, ctx.now());
      await cloud.reload(actorOf(req).orgId);
      return reply.status(201).send({ ...set, evaluated: checked.evaluated, edgeOnly: checked.edgeOnly });
    });
  },
};

function found<T>(v: T | undefined, id: string): T {
  if (v === undefined) throw new OutpostError('ERR_HUB_NOT_FOUND', `alert ${id} not found`);
  return v;
}
