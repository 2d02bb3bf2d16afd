import { Readable } from 'node:stream';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Type, type Static } from '@sinclair/typebox';
import { OutpostError } from '@outpost/contract';
import type { HubPoint } from '@outpost/storage/hub/index';
import type { HubModule } from '../types.js';
import { requires } from '../../core/auth.js';
import { errorResponses, IdParams, orgOf, Obj } from '../../core/route-kit.js';

/** Points per request; larger batches are split by the client. */
export const MAX_METRICS = 10_000;

/** The EdgePulse seed's public ingest body. */
const IngestBody = Obj({
  device_external_id: Type.String({ minLength: 1, maxLength: 200, description: 'The device\'s hardware id as registered.' }),
  metrics: Type.Array(Obj({
    name: Type.String({ minLength: 1, maxLength: 200 }),
    ts: Type.Union([Type.Integer({ minimum: 0, description: 'epoch ms' }), Type.String({ format: 'date-time' })]),
    value: Type.Union([Type.Number(), Type.Null()]),
    unit: Type.Optional(Type.String({ maxLength: 50 })),
  }), { minItems: 1, maxItems: MAX_METRICS }),
});

/**
 * POST /v1/ingest: validate, resolve the device in the caller's organisation, archive the raw body,
 * queue for the writer and answer 202 with the batch id; GET the batch for its status.
 */
export const ingestModule: HubModule = {
  name: 'ingest',
  register(app, ctx) {
    const { store, ingest } = ctx.services;
    const tags = ['ingest'];

    // Keep the raw text next to the parsed body so the archive holds exactly what was sent; a
    // route hook, so no other route pays for it.
    const keepRawBody = async (req: FastifyRequest, _reply: FastifyReply, payload: NodeJS.ReadableStream) => {
      const chunks: Buffer[] = [];
      for await (const c of payload) chunks.push(c as Buffer);
      const raw = Buffer.concat(chunks);
      (req as { rawBody?: Buffer }).rawBody = raw;
      return Readable.from([raw]);
    };

    app.post('/v1/ingest', { preParsing: keepRawBody, preValidation: requires('ingest'), schema: { tags, summary: 'Ingest metrics of one device (X-API-Key with the ingest scope, or the device\'s own token).', body: IngestBody, response: errorResponses(404, 413) } }, async (req, reply) => {
      const b = req.body as Static<typeof IngestBody>;
      const orgId = orgOf(req);
      const d = await store.fleet.getDeviceByHardwareId(orgId, b.device_external_id);
      if (!d || d.state !== 'active') throw new OutpostError('ERR_HUB_NOT_FOUND', `device_external_id "${b.device_external_id}" is not a registered, active device of this organisation`);
      if (req.principal?.kind === 'device' && req.principal.id !== d.id) throw new OutpostError('ERR_AUTH_FORBIDDEN', 'a device token may only ingest for its own device');
      const points: HubPoint[] = b.metrics.map((m, i) => {
        const ts = typeof m.ts === 'number' ? m.ts : Date.parse(m.ts);
        if (!Number.isFinite(ts)) throw new OutpostError('ERR_HUB_INVALID', `metrics[${i}].ts "${m.ts}" is not a date-time; expected epoch ms or ISO 8601`);
        return { deviceId: d.id, metric: m.name, ts, value: m.value, unit: m.unit ?? null };
      });
      const raw = (req as { rawBody?: Buffer }).rawBody ?? JSON.stringify(b);
      const batch = await ingest.accept(orgId, 'ingest', raw, points);
      return reply.status(202).send({ batchId: batch.id, status: batch.status, points: batch.points });
    });

    app.get('/v1/ingest/batches/:id', { preValidation: requires('read'), schema: { tags, summary: 'Status of an ingestion batch: received, stored or failed (with reason).', params: IdParams, response: errorResponses(404) } }, async (req) => {
      const b = await store.series.getBatch(orgOf(req), (req.params as { id: string }).id);
      if (!b) throw new OutpostError('ERR_HUB_NOT_FOUND', `ingest batch ${(req.params as { id: string }).id} not found`);
      return b;
    });
  },
};
