import type { FastifyInstance } from 'fastify';
import type { AlertQuery } from '@outpost/alerts';
import type { GatewayAlerts } from './wiring.js';

const disabled = { error: { code: 'ERR_QUERY_INVALID', message: 'alerts are disabled (gateway.alerts.enabled is false)' } };
const idParam = { type: 'object', required: ['id'], properties: { id: { type: 'integer', minimum: 1 } } } as const;

/** Alert history and lifecycle on the gateway's local API. */
export function registerAlertRoutes(app: FastifyInstance, alerts: GatewayAlerts | undefined): void {
  app.get('/v1/alerts', {
    schema: {
      summary: 'Alert history, newest first: state (raised, acknowledged, cleared, open), rule, device, since/until (epoch ms of raising), limit',
      querystring: {
        type: 'object', additionalProperties: false,
        properties: {
          state: { enum: ['raised', 'acknowledged', 'cleared', 'open'] }, rule: { type: 'string' }, device: { type: 'string' },
          since: { type: 'integer' }, until: { type: 'integer' }, limit: { type: 'integer', minimum: 1, maximum: 10000 },
        },
      },
    },
  }, async (req, reply) => {
    if (!alerts) return reply.code(404).send(disabled);
    return { alerts: alerts.engine.query(req.query as AlertQuery) };
  });
  app.get('/v1/alerts/deliveries', { schema: { summary: 'Action delivery log (every attempt), newest first', querystring: { type: 'object', properties: { limit: { type: 'integer', minimum: 1, maximum: 10000 } } } } }, async (req, reply) => {
    if (!alerts) return reply.code(404).send(disabled);
    return { deliveries: alerts.engine.deliveries.list((req.query as { limit?: number }).limit ?? 100) };
  });
  app.get('/v1/alerts/stats', { schema: { summary: 'Alert rule counters: rules, changes, suppressed actions, action outcomes' } }, async (_req, reply) => {
    if (!alerts) return reply.code(404).send(disabled);
    return alerts.engine.stats();
  });
  app.get('/v1/alerts/:id', { schema: { summary: 'One alert', params: idParam } }, async (req, reply) => {
    if (!alerts) return reply.code(404).send(disabled);
    const a = alerts.engine.store.get((req.params as { id: number }).id);
    return a ?? reply.code(404).send({ error: { code: 'ERR_QUERY_INVALID', message: `alert ${(req.params as { id: number }).id} does not exist` } });
  });
  const change = (verb: 'ack' | 'clear') => async (req: { params: unknown; body: unknown }, reply: { code(n: number): { send(b: unknown): unknown } }) => {
    if (!alerts) return reply.code(404).send(disabled);
    const id = (req.params as { id: number }).id;
    if (!alerts.engine.store.get(id)) return reply.code(404).send({ error: { code: 'ERR_QUERY_INVALID', message: `alert ${id} does not exist` } });
    const body = (req.body ?? {}) as { by?: string; message?: string };
    return verb === 'ack' ? alerts.engine.acknowledge(id, body.by ?? 'local-api') : alerts.engine.clear(id, body.message ?? 'cleared by an operator');
  };
  const bodySchema = { type: 'object', additionalProperties: false, properties: { by: { type: 'string', maxLength: 200 }, message: { type: 'string', maxLength: 1000 } } } as const;
  app.post('/v1/alerts/:id/ack', { schema: { summary: 'Acknowledge an open alert (body: { by })', params: idParam, body: bodySchema } }, change('ack'));
  app.post('/v1/alerts/:id/clear', { schema: { summary: 'Clear an open alert by hand (body: { message })', params: idParam, body: bodySchema } }, change('clear'));
}
