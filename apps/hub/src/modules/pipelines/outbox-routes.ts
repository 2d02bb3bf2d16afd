import { Type, type Static } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { EXPORT_PRIORITIES, type ExportCursor } from '@outpost/storage/hub/index';
import type { HubContext } from '../types.js';
import { requires } from '../../core/auth.js';
import { errorResponses, orgOf, Obj } from '../../core/route-kit.js';

const tags = ['pipelines'];
const CURSOR = '^[0-3]-[0-9]{1,15}$';
const OutboxQuery = Obj({
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 10_000, default: 100, description: 'Most items in this answer.' })),
  after: Type.Optional(Type.String({ pattern: CURSOR, description: 'The `next` cursor of the previous answer: read past items not yet acknowledged.' })),
  pipeline: Type.Optional(Type.String({ minLength: 1, maxLength: 200, description: 'Only items of this pipeline.' })),
});
const OutboxItem = Obj({
  seq: Type.Integer({ description: 'Acknowledge with this number.' }),
  pipelineId: Type.String(), nodeId: Type.String(),
  priority: Type.Union(EXPORT_PRIORITIES.map((p) => Type.Literal(p))),
  at: Type.Integer({ description: 'When the pipeline queued it, epoch ms.' }),
  expiresAt: Type.Integer({ description: 'Deleted unread after this, epoch ms (hub.pipelines.outbox.ttlMs).' }),
  body: Type.Unknown({ description: 'The point or rollup row the node received.' }),
});
const OutboxPage = Obj({
  items: Type.Array(OutboxItem),
  next: Type.Union([Type.String({ pattern: CURSOR }), Type.Null()], { description: 'Cursor after the last item when more items follow, else null.' }),
  queued: Obj({ items: Type.Integer(), bytes: Type.Integer() }),
});
const AckBody = Obj({ seqs: Type.Array(Type.Integer({ minimum: 1 }), { minItems: 1, maxItems: 10_000, description: 'Sequence numbers of items handled; they are deleted.' }) });

const cursorOf = (priority: string, seq: number) => `${EXPORT_PRIORITIES.indexOf(priority as never)}-${seq}`;
/** The query schema's pattern has checked the shape (15 digits at most: always a safe integer). */
function parseCursor(s: string): ExportCursor {
  const [rank, seq] = s.split('-').map(Number) as [number, number];
  return { rank, seq };
}

/**
 * The hub's pipeline outbox, drained from outside (docs/engine.md, "Outputs on the hub"): read
 * critical items first, then oldest; acknowledge what was handled; unacknowledged items are read
 * again (at least once). One consumer per organisation, or one per pipeline with `pipeline`.
 */
export function registerOutboxRoutes(app: FastifyInstance, ctx: HubContext): void {
  const { store } = ctx.services;

  app.get('/v1/pipelines/outbox', {
    preValidation: requires('read'),
    schema: { tags, summary: 'Items `outbox` nodes of the organisation\'s hub pipelines queued: critical first, then oldest; they stay until acknowledged or expired.', querystring: OutboxQuery, response: { 200: OutboxPage, ...errorResponses() } },
  }, async (req) => {
    const q = req.query as Static<typeof OutboxQuery>;
    const limit = q.limit ?? 100;
    // One more than asked says whether a next page exists.
    const rows = await store.pipelineExports.read(orgOf(req), { limit: limit + 1, now: ctx.now(), ...(q.after ? { after: parseCursor(q.after) } : {}), ...(q.pipeline ? { pipelineId: q.pipeline } : {}) });
    const items = rows.slice(0, limit);
    const last = items.at(-1);
    return { items, next: last && rows.length > limit ? cursorOf(last.priority, last.seq) : null, queued: await store.pipelineExports.usage(orgOf(req)) };
  });

  app.post('/v1/pipelines/outbox/ack', {
    preValidation: requires('write'),
    schema: { tags, summary: 'Acknowledge outbox items (by seq): they are deleted. Unknown or already acknowledged numbers are ignored.', body: AckBody, response: errorResponses() },
  }, async (req) => {
    const acked = await store.pipelineExports.ack(orgOf(req), (req.body as Static<typeof AckBody>).seqs);
    return { acked };
  });
}
