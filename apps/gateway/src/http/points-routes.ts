import type { Ingestor } from '@outpost/contract';
import { decodePayload, type DecodeLimits } from '@outpost/connectors';
import { MAX_QUERY_LIMIT, type GatewayStore } from '@outpost/storage';
import type { FastifyInstance } from 'fastify';
import { parseQueryTime as parseTime } from './query-time.js';

const rejectSchema = {
  type: 'object',
  properties: { reason: { type: 'string' }, message: { type: 'string' }, index: { type: 'integer' }, device: { type: 'string' }, metric: { type: 'string' } },
} as const;

const errorSchema = {
  type: 'object',
  properties: { error: { type: 'object', properties: { code: { type: 'string' }, message: { type: 'string' }, details: { type: 'object', additionalProperties: true } } } },
} as const;

const pointSchema = {
  type: 'object',
  properties: {
    device: { type: 'string' }, metric: { type: 'string' }, ts: { type: 'integer' },
    value: { type: ['number', 'boolean', 'string', 'null'] }, unit: { type: 'string' },
    quality: { type: 'string', enum: ['good', 'uncertain', 'bad'] }, tags: { type: 'object', additionalProperties: { type: 'string' } },
  },
} as const;

export function registerPointRoutes(app: FastifyInstance, deps: { ingestor: Ingestor; store: GatewayStore; limits: DecodeLimits; now: () => number }): void {
  // Bodies arrive raw so a malformed one can be dead-lettered as sent, with the error's position.
  app.addContentTypeParser(['application/json', 'text/plain'], { parseAs: 'buffer' }, (_req, body, done) => done(null, body));

  app.post('/v1/points', {
    schema: {
      summary: 'Ingest points',
      description: 'A JSON point, a metrics object `{"device":…,"ts":…,"temperature":71.3}`, an array of points or `{"points":[…]}`. Answers 2xx only after the accepted points are committed to disk; per-point rejects are listed.',
      response: {
        200: { type: 'object', properties: { accepted: { type: 'integer' }, rejected: { type: 'array', items: rejectSchema } } },
        400: errorSchema,
        413: errorSchema,
      },
    },
  }, async (req, reply) => {
    const body = (req.body ?? Buffer.alloc(0)) as Buffer;
    const receivedAt = deps.now();
    const origin = `http ${req.ip}`;
    const decoded = decodePayload(body, deps.limits);
    if (!decoded.ok) {
      await deps.ingestor.rejectInput({ source: 'http', origin, raw: body, receivedAt }, decoded.reject);
      const code = decoded.reject.reason === 'too_large' ? 'ERR_INGEST_TOO_LARGE' : 'ERR_INGEST_MALFORMED';
      return reply.status(decoded.reject.reason === 'too_large' ? 413 : 400).send({ error: { code, message: decoded.reject.message, details: { reason: decoded.reject.reason } } });
    }
    const outcome = await deps.ingestor.ingest({ source: 'http', origin, candidates: decoded.candidates, raw: body, receivedAt });
    return reply.status(200).send(outcome);
  });

  app.get('/v1/points', {
    schema: {
      summary: 'Query stored points',
      querystring: {
        type: 'object',
        additionalProperties: false,
        properties: {
          device: { type: 'string', minLength: 1, maxLength: 128 },
          metric: { type: 'string', minLength: 1, maxLength: 128 },
          from: { type: 'string', description: 'Inclusive; epoch ms or ISO-8601' },
          to: { type: 'string', description: 'Inclusive; epoch ms or ISO-8601' },
          limit: { type: 'integer', minimum: 1, maximum: MAX_QUERY_LIMIT, default: 1000 },
          order: { type: 'string', enum: ['asc', 'desc'], default: 'asc' },
        },
      },
      response: { 200: { type: 'object', properties: { points: { type: 'array', items: pointSchema }, count: { type: 'integer' } } } },
    },
  }, async (req) => {
    const q = req.query as { device?: string; metric?: string; from?: string; to?: string; limit: number; order: 'asc' | 'desc' };
    const points = deps.store.queryPoints({
      device: q.device, metric: q.metric, from: parseTime('from', q.from), to: parseTime('to', q.to), limit: q.limit, order: q.order,
    });
    return { points, count: points.length };
  });

  app.get('/v1/dead-letters', {
    schema: {
      summary: 'Inputs rejected at ingest, newest first, with reason and raw payload',
      querystring: {
        type: 'object',
        additionalProperties: false,
        properties: {
          reason: { type: 'string', maxLength: 64 },
          limit: { type: 'integer', minimum: 1, maximum: 10_000, default: 100 },
          beforeId: { type: 'integer', minimum: 1 },
        },
      },
    },
  }, async (req) => {
    const q = req.query as { reason?: string; limit: number; beforeId?: number };
    return { deadLetters: deps.store.deadLetters(q) };
  });
}
