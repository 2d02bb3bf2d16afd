import { Type, type Static } from '@sinclair/typebox';
import { OutpostError } from '@outpost/contract';
import { detectorFromArtifact } from '@outpost/ml';
import type { HubModule } from '../types.js';
import { requires } from '../../core/auth.js';
import { errorResponses, orgOf, range, RangeQuery, Obj } from '../../core/route-kit.js';
import { ensureMlTables, moduleDb } from '../training/db.js';
import { ModelRepo } from '../training/models.js';
import { MAX_TRAINING_POINTS } from '../training/data.js';
import { AnomalyRepo, type AnomalyScore } from './repo.js';
import { LiveScorer } from './live.js';

/**
 * Scores that arrive as ordinary points (e.g. from a gateway pipeline's `model` node through
 * ingest or uplink) are recognised by their metric name: `anomaly_score.<scored metric>`.
 */
export const SCORE_METRIC_PREFIX = 'anomaly_score.';

const Id = Type.String({ minLength: 1, maxLength: 200 });
const AnomaliesQuery = Obj({
  device: Type.Optional(Id), metric: Type.Optional(Id), ...RangeQuery,
  min_score: Type.Optional(Type.Number({ minimum: 0, maximum: 1, default: 0.5, description: 'Only scores ≥ this (default 0.5).' })),
});
const ScoreBody = Obj({
  model: Id, version: Type.Integer({ minimum: 1 }), device: Id, metric: Id,
  from: Type.Integer({ minimum: 0 }), to: Type.Integer({ minimum: 0 }),
});

/**
 * GET /v1/anomalies (stored scores, tenant-scoped), POST /v1/anomalies/score (a scoring pass over
 * stored points) and live scoring of ingested points with deployed model versions (live.ts).
 */
export const anomaliesModule: HubModule = {
  name: 'anomalies',
  async register(app, ctx) {
    const { store } = ctx.services;
    const db = moduleDb(store);
    await ensureMlTables(db);
    const scores = new AnomalyRepo(db);
    const models = new ModelRepo(db);
    const tags = ['anomalies'];
    const live = new LiveScorer(db, store, ctx.now, app.log);
    const detach = live.attach(ctx.services.stored);
    app.addHook('onClose', async () => { detach(); await live.idle(); });
    const ensureDevice = async (orgId: string, id: string) => {
      if (!(await store.fleet.getDevice(orgId, id))) throw new OutpostError('ERR_HUB_NOT_FOUND', `device ${id} not found`);
    };

    app.get('/v1/anomalies', { preValidation: requires('read'), schema: { tags, summary: 'Anomaly scores per window in [from, to) with score ≥ min_score; with device and metric, also scores ingested as anomaly_score.<metric> points.', querystring: AnomaliesQuery, response: errorResponses(404) } }, async (req) => {
      const q = req.query as Static<typeof AnomaliesQuery>;
      const orgId = orgOf(req);
      if (q.device !== undefined) await ensureDevice(orgId, q.device);
      const r = range(q, ctx.now());
      const minScore = q.min_score ?? 0.5;
      const limit = q.limit ?? 1000;
      const items: Array<AnomalyScore & { source: 'scoring' | 'ingest' }> = (await scores.query(orgId, { ...q, ...r, minScore, limit })).map((s) => ({ ...s, source: 'scoring' as const }));
      if (q.device !== undefined && q.metric !== undefined) {
        const ingested = await store.series.points(orgId, { deviceId: q.device, metric: SCORE_METRIC_PREFIX + q.metric, ...r, limit });
        for (const p of ingested) {
          if (p.value === null || p.value < minScore) continue;
          items.push({ device: q.device, metric: q.metric, ts: p.ts, score: p.value, label: 'unknown', explanation: `score ingested as ${SCORE_METRIC_PREFIX}${q.metric}`, model: 'ingest', source: 'ingest' });
        }
        items.sort((a, b) => a.ts - b.ts);
      }
      return { items: items.slice(0, limit), minScore, ...r };
    });

    app.post('/v1/anomalies/score', { preValidation: requires('write'), schema: { tags, summary: 'Score stored points of one device and metric with a model version and store a score per window.', body: ScoreBody, response: errorResponses(404) } }, async (req) => {
      const b = req.body as Static<typeof ScoreBody>;
      const orgId = orgOf(req);
      await ensureDevice(orgId, b.device);
      const r = range(b, ctx.now());
      const { artifact } = await models.get(orgId, b.model, b.version);
      const points = await store.series.points(orgId, { deviceId: b.device, metric: b.metric, ...r, limit: MAX_TRAINING_POINTS + 1 });
      if (points.length > MAX_TRAINING_POINTS) throw new OutpostError('ERR_QUERY_INVALID', `more than ${MAX_TRAINING_POINTS} points in [${r.from}, ${r.to}); score a shorter range`);
      const detector = detectorFromArtifact(artifact);
      const label = `${b.model}@${b.version}`;
      const out: AnomalyScore[] = [];
      for (const p of points) {
        const s = detector.update(p.ts, p.value);
        if (s) out.push({ device: b.device, metric: b.metric, ts: p.ts, score: s.score, label: s.label, explanation: s.explanation, model: label });
      }
      await scores.write(orgId, out, ctx.now());
      return { points: points.length, stored: out.length, anomalies: out.filter((s) => s.score >= artifact.threshold).length, threshold: artifact.threshold, ...r };
    });
  },
};
