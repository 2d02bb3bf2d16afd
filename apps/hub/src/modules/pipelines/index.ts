import type { Point } from '@outpost/contract';
import { parseTestRequest, runPipelineTest } from '@outpost/operators/pipelines/test-request';
import type { HubModule } from '../types.js';
import { requires } from '../../core/auth.js';
import { errorResponses, orgOf } from '../../core/route-kit.js';
import { hubModelRunner } from '../training/model-runner.js';
import { toHubPoints } from '../../core/uplink-adapter.js';
import { pointOf } from '../../core/point-feed.js';
import { hubProcessorsOf } from '../processors/service.js';
import { DEFAULT_LIVE_LIMITS, HubLivePipelines, hubOutputs, type LiveLimits } from './live-runner.js';
import { registerOutboxRoutes } from './outbox-routes.js';
import { HUB_TEST_MAX_POINTS, replayPoints } from './replay.js';
import { registerVersionRoutes } from './version-routes.js';

export { HUB_TEST_MAX_POINTS } from './replay.js';

/**
 * Pipelines on the hub: saved versions, live runs on the data the hub commits, and
 * `POST /v1/pipelines/test` — the same request, engine and trace format as the gateway's; `replay`
 * reads the organisation's stored points of one device and metric. A test stores and sends nothing.
 */
export function createPipelinesModule(limits: LiveLimits = DEFAULT_LIVE_LIMITS): HubModule {
  return {
    name: 'pipelines',
    async register(app, ctx) {
      const { store } = ctx.services;
      const processors = await hubProcessorsOf(ctx);
      const live = new HubLivePipelines({ store, now: ctx.now, logger: app.log, scriptRunner: (orgId) => processors.scriptRunner(orgId), modelRunner: (orgId) => hubModelRunner(store, orgId), limits, outputs: hubOutputs(ctx.config.pipelines, app.log) });
      await live.start();
      // Pipelines see uplinked points as the hub stores them (what a replay test reads), not under the gateway's names.
      const unsubscribe = ctx.services.stored.on((orgId, points, origin) => live.accept(orgId, origin ? asStored(points, origin.gateway) : points));
      app.decorate('pipelines', live);
      // Stop taking points, process what is queued and emit open windows while the store is still open.
      app.addHook('preClose', async () => {
        unsubscribe();
        await ctx.services.ingest.drained();
        await live.stop();
      });

      app.post('/v1/pipelines/test', {
        preValidation: requires('read'),
        schema: {
          tags: ['pipelines'],
          summary: 'Run a pipeline on inline points or on stored points of one device and metric: outputs and a per-node trace, or a diff against a second pipeline.',
          body: { type: 'object' },
          response: errorResponses(404),
        },
      }, async (req) => {
        const { req: t, replay } = parseTestRequest(req.body, HUB_TEST_MAX_POINTS);
        const points = replay ? await replayPoints(store, orgOf(req), replay) : (t.points as Point[]);
        return runPipelineTest(t, points, live.testRunners(orgOf(req)));
      });

      registerVersionRoutes(app, ctx, live);
      registerOutboxRoutes(app, ctx);
    },
  };
}

export const pipelinesModule: HubModule = createPipelinesModule();

/** A gateway's points as the hub stores them (device = the gateway, metric = `<device>/<metric>`) and a replay reads them. */
function asStored(points: readonly Point[], gateway: string): Point[] {
  return toHubPoints({ gateway, points: points as Point[] }).map(pointOf);
}

declare module 'fastify' {
  interface FastifyInstance {
    /** The hub's live pipelines (tests wait on `pipelines.idle()`). */
    pipelines: HubLivePipelines;
  }
}
