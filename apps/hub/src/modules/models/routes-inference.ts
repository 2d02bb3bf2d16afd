import type { Static } from '@sinclair/typebox';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { OutpostError } from '@outpost/contract';
import type { FlatBatch, InferenceRow } from '@outpost/ml';
import type { HubContext } from '../types.js';
import { requires } from '../../core/auth.js';
import { errorResponses, IdParams, orgOf } from '../../core/route-kit.js';
import type { InferenceRequest } from './inference.js';
import type { ModelsRuntime } from './runtime.js';
import { InferenceBody, InferenceQuery, KeyLimitBody, KeyLimitParams, ModelIdParams } from './schemas.js';

const tags = ['inference'];
const KEY_LIMIT_CACHE_MS = 5_000;

/** Per-key limits from the store, cached briefly so the rate limiter adds no query per request. */
function keyLimits(rt: ModelsRuntime, fallback: number, now: () => number) {
  const cache = new Map<string, { perMinute: number; until: number }>();
  return {
    async perMinute(req: FastifyRequest): Promise<number> {
      const p = req.principal;
      if (!p || p.kind !== 'key') return fallback;
      const hit = cache.get(p.id);
      if (hit && hit.until > now()) return hit.perMinute;
      const row = await rt.db.selectFrom('inference_key_limits').select('per_minute').where('key_id', '=', p.id).executeTakeFirst();
      const perMinute = row ? Number(row.per_minute) : fallback;
      cache.set(p.id, { perMinute, until: now() + KEY_LIMIT_CACHE_MS });
      return perMinute;
    },
    forget: (keyId: string) => cache.delete(keyId),
  };
}

/** `inputs` + `shape` ([rows, sizes…]): the flat form; its values are checked as they are copied into the tensor. */
function flatBatch(inputs: unknown[] | undefined, shape: number[]): FlatBatch {
  if (inputs === undefined) throw new OutpostError('ERR_INFERENCE_INPUT', 'shape is given without inputs; send inputs as one flat number array of shape [rows, sizes…]');
  const rows = shape[0]!;
  const width = shape.slice(1).reduce((a, d) => a * d, 1);
  if (inputs.length !== rows * width) throw new OutpostError('ERR_INFERENCE_INPUT', `inputs has ${inputs.length} values; shape [${shape.join(', ')}] needs ${rows * width}`);
  return { flat: inputs as number[], rows, width };
}

/** Largest binary batch body: 10,000 rows (hub.models.maxBatch's default) of 1,024 float32 values. */
const MAX_BINARY_BYTES = 10_000 * 1024 * 4;

/** Parses `?shape=64,32` (rows, then sizes). */
function shapeOf(text: string): number[] {
  const shape = text.split(',').map(Number);
  if (shape.length < 2 || shape.some((d) => !Number.isInteger(d) || d < 1)) throw new OutpostError('ERR_INFERENCE_INPUT', `shape=${text}: expected positive integers "rows,size[,size…]", e.g. shape=64,8`);
  return shape;
}

/** The request in one of its three forms: JSON rows, JSON flat batch (inputs + shape), or binary float32 with ?shape=. */
function requestOf(body: unknown, shapeQuery: string | undefined): InferenceRequest {
  if (Buffer.isBuffer(body)) {
    if (shapeQuery === undefined) throw new OutpostError('ERR_INFERENCE_INPUT', 'a binary (application/octet-stream) batch needs ?shape=rows,size[,size…]');
    const shape = shapeOf(shapeQuery);
    const rows = shape[0]!;
    const width = shape.slice(1).reduce((a, d) => a * d, 1);
    if (body.length !== rows * width * 4) throw new OutpostError('ERR_INFERENCE_INPUT', `the body has ${body.length} bytes; shape [${shape.join(', ')}] of float32 needs ${rows * width * 4}`);
    // A Float32Array needs 4-byte alignment; a body at an odd offset of its buffer is copied once.
    const bytes = body.byteOffset % 4 === 0 ? body : Buffer.from(body);
    return { inputs: { flat: new Float32Array(bytes.buffer, bytes.byteOffset, rows * width), rows, width } };
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw new OutpostError('ERR_INFERENCE_INPUT', 'the body must be a JSON object ({"inputs": [...]}) or application/octet-stream float32 values with ?shape=');
  if (shapeQuery !== undefined) throw new OutpostError('ERR_INFERENCE_INPUT', '?shape= is for binary bodies; in JSON, give "shape" in the body');
  const b = body as Static<typeof InferenceBody>;
  if ((b.input === undefined) === (b.inputs === undefined)) throw new OutpostError('ERR_INFERENCE_INPUT', 'send either `input` (one input) or `inputs` (a batch), not both or neither');
  return { inputs: b.shape ? flatBatch(b.inputs, b.shape) : (b.inputs ?? [b.input]) as InferenceRow[], ids: b.ids, outputs: b.outputs };
}

/** POST /api/inference/{modelId} (sync or async), job polling, and per-key rate limits. */
export async function inferenceRoutes(app: FastifyInstance, ctx: HubContext, rt: ModelsRuntime): Promise<void> {
  const limits = keyLimits(rt, ctx.config.models.inferenceRateLimitPerMinute, ctx.now);

  await app.register(async (scope) => {
    // The binary form: the body is the batch as little-endian float32 values, ?shape= gives its size.
    scope.addContentTypeParser('application/octet-stream', { parseAs: 'buffer', bodyLimit: MAX_BINARY_BYTES }, (_req, body, done) => done(null, body));
    scope.post('/api/inference/:modelId', {
      preValidation: requires('read'),
      config: {
        rateLimit: {
          max: (req: FastifyRequest) => limits.perMinute(req),
          timeWindow: 60_000,
          keyGenerator: (req: FastifyRequest) => `inference:${req.principal ? `${req.principal.kind}:${req.principal.id}` : `ip:${req.ip}`}`,
        },
      },
      schema: {
        tags, summary: 'Run a model version on one input or a batch: predictions, scores, version used, latency. ?version= or ?tag= picks the version (default: production tag, else the newest executable one); ?mode=async answers 202 with a job id. A JSON body (rows, or a flat batch with `shape`), or application/octet-stream: little-endian float32 values with ?shape=rows,sizes… (single-input models).',
        params: ModelIdParams, querystring: InferenceQuery,
        body: { content: { 'application/json': { schema: InferenceBody }, 'application/octet-stream': { schema: { description: 'The batch as little-endian float32 values, row-major; ?shape= gives [rows, sizes…].' } } } },
        response: errorResponses(404, 409, 413, 422),
      },
    }, async (req, reply) => {
      const orgId = orgOf(req);
      const { modelId } = req.params as Static<typeof ModelIdParams>;
      const q = req.query as Static<typeof InferenceQuery>;
      const request = requestOf(req.body, q.shape);
      rt.inference.checkRequest(request);
      const v = await rt.inference.resolve(orgId, modelId, { version: q.version, tag: q.tag });
      if (q.mode === 'async') {
        const job = await rt.jobs.submit(orgId, modelId, () => rt.inference.infer(orgId, v, request));
        return reply.status(202).header('location', `/api/inference/jobs/${job.id}`).send(job);
      }
      return rt.inference.infer(orgId, v, request);
    });
  });

  app.get('/api/inference/jobs/:id', { preValidation: requires('read'), schema: { tags, summary: 'An async inference job: queued, running, succeeded (with the result) or failed (with the error), until it expires.', params: IdParams, response: errorResponses(404) } },
    async (req) => rt.jobs.get(orgOf(req), (req.params as Static<typeof IdParams>).id));

  app.put('/v1/registry/inference-limits/:keyId', { preValidation: requires('admin'), schema: { tags, summary: 'Inference requests per minute for one API key of this organisation (overrides hub.models.inferenceRateLimitPerMinute).', params: KeyLimitParams, body: KeyLimitBody, response: errorResponses(404) } }, async (req) => {
    const orgId = orgOf(req);
    const { keyId } = req.params as Static<typeof KeyLimitParams>;
    const { perMinute } = req.body as Static<typeof KeyLimitBody>;
    const keys = await ctx.services.store.tenancy.listApiKeys(orgId);
    if (!keys.some((k) => k.id === keyId)) throw new OutpostError('ERR_HUB_NOT_FOUND', `API key ${keyId} not found`);
    await rt.db.deleteFrom('inference_key_limits').where('key_id', '=', keyId).execute();
    await rt.db.insertInto('inference_key_limits').values({ org_id: orgId, key_id: keyId, per_minute: perMinute }).execute();
    limits.forget(keyId);
    return { keyId, perMinute };
  });
}
