import type { Static } from '@sinclair/typebox';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { OutpostError } from '@outpost/contract';
import type { InferenceRow } from '@outpost/ml';
import type { HubContext } from '../types.js';
import { requires } from '../../core/auth.js';
import { errorResponses, IdParams, orgOf } from '../../core/route-kit.js';
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

/** POST /api/inference/{modelId} (sync or async), job polling, and per-key rate limits. */
export async function inferenceRoutes(app: FastifyInstance, ctx: HubContext, rt: ModelsRuntime): Promise<void> {
  const limits = keyLimits(rt, ctx.config.models.inferenceRateLimitPerMinute, ctx.now);

  app.post('/api/inference/:modelId', {
    preValidation: requires('read'),
    config: {
      rateLimit: {
        max: (req: FastifyRequest) => limits.perMinute(req),
        timeWindow: 60_000,
        keyGenerator: (req: FastifyRequest) => `inference:${req.principal ? `${req.principal.kind}:${req.principal.id}` : `ip:${req.ip}`}`,
      },
    },
    schema: {
      tags, summary: 'Run a model version on one input or a batch: predictions, scores, version used, latency. ?version= or ?tag= picks the version (default: production tag, else the newest executable one); ?mode=async answers 202 with a job id.',
      params: ModelIdParams, querystring: InferenceQuery, body: InferenceBody, response: errorResponses(404, 409, 413, 422),
    },
  }, async (req, reply) => {
    const orgId = orgOf(req);
    const { modelId } = req.params as Static<typeof ModelIdParams>;
    const q = req.query as Static<typeof InferenceQuery>;
    const b = req.body as Static<typeof InferenceBody>;
    if ((b.input === undefined) === (b.inputs === undefined)) throw new OutpostError('ERR_INFERENCE_INPUT', 'send either `input` (one input) or `inputs` (a batch), not both or neither');
    const request = { inputs: (b.inputs ?? [b.input]) as InferenceRow[], ids: b.ids, outputs: b.outputs };
    rt.inference.checkRequest(request);
    const v = await rt.inference.resolve(orgId, modelId, { version: q.version, tag: q.tag });
    if (q.mode === 'async') {
      const job = await rt.jobs.submit(orgId, modelId, () => rt.inference.infer(orgId, v, request));
      return reply.status(202).header('location', `/api/inference/jobs/${job.id}`).send(job);
    }
    return rt.inference.infer(orgId, v, request);
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
