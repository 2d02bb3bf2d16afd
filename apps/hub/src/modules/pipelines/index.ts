import { OutpostError, type Point } from '@outpost/contract';
import { createEngineScriptRunner } from '@outpost/sandbox';
import { parseTestRequest, runPipelineTest } from '@outpost/operators/pipelines/test-request';
import type { HubModule } from '../types.js';
import { requires } from '../../core/auth.js';
import { errorResponses, orgOf } from '../../core/route-kit.js';
import { hubModelRunner } from '../training/model-runner.js';

/** Most points one test runs (inline or replayed from the hub's time series). */
export const HUB_TEST_MAX_POINTS = 100_000;

/**
 * `POST /v1/pipelines/test` on the hub: the same request, engine and trace format as the
 * gateway's; `replay` reads the organisation's stored points of one device and metric
 * (`to` exclusive, like the hub's other time-series routes). Nothing is stored or sent.
 */
export const pipelinesModule: HubModule = {
  name: 'pipelines',
  register(app, ctx) {
    const scriptRunner = createEngineScriptRunner();
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
      let points: Point[];
      if (replay) {
        if (replay.metric === undefined) throw new OutpostError('ERR_QUERY_INVALID', 'replay.metric: required on the hub (its time series are read per device and metric)');
        const orgId = orgOf(req);
        if (!(await ctx.services.store.fleet.getDevice(orgId, replay.device))) throw new OutpostError('ERR_HUB_NOT_FOUND', `device ${replay.device} not found`);
        const rows = await ctx.services.store.series.points(orgId, { deviceId: replay.device, metric: replay.metric, from: replay.from, to: replay.to, limit: HUB_TEST_MAX_POINTS });
        points = rows.map((r) => {
          const p: Point = { device: r.deviceId, metric: r.metric, ts: r.ts, value: r.text ?? r.value };
          if (r.unit !== null) p.unit = r.unit;
          return p;
        });
      } else {
        points = t.points as Point[];
      }
      return runPipelineTest(t, points, { scriptRunner, modelRunner: hubModelRunner(ctx.services.store, orgOf(req)) });
    });
  },
};
