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
    return { deliveries: alerts.deliveries.list((req.query as { limit?: number }).limit ?? 100) };
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
    const body = parseBody(req.body);
    if (body instanceof Error) return reply.code(400).send({ error: { code: 'ERR_QUERY_INVALID', message: body.message } });
    return verb === 'ack' ? alerts.engine.acknowledge(id, body.by ?? 'local-api') : alerts.engine.clear(id, body.message ?? 'cleared by an operator');
  };
  app.post('/v1/alerts/:id/ack', { schema: { summary: 'Acknowledge an open alert (body: { by })', params: idParam } }, change('ack'));
  app.post('/v1/alerts/:id/clear', { schema: { summary: 'Clear an open alert by hand (body: { message })', params: idParam } }, change('clear'));
}

/** The gateway parses JSON bodies as raw buffers (for /v1/points), so this route parses its own. */
function parseBody(raw: unknown): { by?: string; message?: string } | Error {
  if (raw === undefined || raw === null) return {};
  const text = Buffer.isBuffer(raw) ? raw.toString('utf8') : typeof raw === 'string' ? raw : JSON.stringify(raw);
  if (text.trim() === '') return {};
  let v: unknown;
  try { v = JSON.parse(text); } catch (e) { return new Error(`body: not valid JSON (${(e as Error).message})`); }
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return new Error('body: expected an object like { "by": "alice" } or { "message": "…" }');
  const o = v as Record<string, unknown>;
  for (const k of Object.keys(o)) if (k !== 'by' && k !== 'message') return new Error(`body.${k}: unknown key; expected by or message`);
  if (o.by !== undefined && (typeof o.by !== 'string' || o.by.length > 200)) return new Error('body.by: expected a string of at most 200 characters');
  if (o.message !== undefined && (typeof o.message !== 'string' || o.message.length > 1000)) return new Error('body.message: expected a string of at most 1000 characters');
  return o as { by?: string; message?: string };
}
