import type { FastifyInstance } from 'fastify';
import { OutpostError } from '@outpost/contract';
import { formatDuration, parseDuration } from '@outpost/engine';
import type { RollupService } from './rollup-service.js';
import { parseQueryTime as parseTime } from '../http/query-time.js';

/** `GET /v1/rollups`: rollup rows of one interval by device, metric and bucket start. */
export function registerRollupRoutes(app: FastifyInstance, rollups: RollupService | undefined): void {
  app.get('/v1/rollups', {
    schema: {
      summary: 'Query rollup buckets',
      description: 'Rows of one interval (`window`, e.g. `1m`), filtered by device and metric, bucket start in [from, to] (inclusive), ascending.',
      querystring: {
        type: 'object',
        additionalProperties: false,
        properties: {
          device: { type: 'string', minLength: 1, maxLength: 128 },
          metric: { type: 'string', minLength: 1, maxLength: 128 },
          window: { type: 'string', default: '1m', description: 'One of gateway.rollups.intervals' },
          from: { type: 'string', description: 'Bucket start, inclusive; epoch ms or ISO-8601' },
          to: { type: 'string', description: 'Bucket start, inclusive; epoch ms or ISO-8601' },
          limit: { type: 'integer', minimum: 1, maximum: 100_000, default: 1000 },
        },
      },
    },
  }, async (req, reply) => {
    if (!rollups) return reply.code(404).send({ error: { code: 'ERR_QUERY_INVALID', message: 'rollups are disabled (gateway.rollups.enabled is false)' } });
    const q = req.query as { device?: string; metric?: string; window: string; from?: string; to?: string; limit: number };
    const windowMs = parseDuration(q.window);
    const known = rollups.intervalsMs.map(formatDuration);
    if (windowMs === undefined || !rollups.intervalsMs.includes(windowMs)) {
      throw new OutpostError('ERR_QUERY_INVALID', `window: expected one of the configured rollup intervals (${known.join(', ')}), got ${JSON.stringify(q.window)}`, { intervals: known });
    }
    const from = parseTime('from', q.from);
    const to = parseTime('to', q.to);
    if (from !== undefined && to !== undefined && from > to) throw new OutpostError('ERR_QUERY_INVALID', `from (${from}) is after to (${to})`);
    const rows = rollups.table.query({ device: q.device, metric: q.metric, windowMs, from, to, limit: q.limit });
    return { window: formatDuration(windowMs), rollups: rows, count: rows.length };
  });
}
