import { Type, type Static } from '@sinclair/typebox';
import { OutpostError } from '@outpost/contract';
import type { HubModule } from '../types.js';
import { requires } from '../../core/auth.js';
import { errorResponses, orgOf, range, RangeQuery, Obj } from '../../core/route-kit.js';

const Series = { device: Type.String({ minLength: 1, maxLength: 200, description: 'Device id.' }), metric: Type.String({ minLength: 1, maxLength: 200 }) };
const PointsQuery = Obj({ ...Series, ...RangeQuery });
const RollupsQuery = Obj({
  ...Series, from: RangeQuery.from, to: RangeQuery.to,
  resolution: Type.Optional(Type.Union([Type.Literal('auto'), Type.Integer({ minimum: 1000, maximum: 30 * 86_400_000 })], { default: 'auto', description: 'Bucket size in ms, or auto.' })),
});

/** Bucket sizes auto resolution picks from: the smallest that keeps a range under MAX_BUCKETS. */
const STEPS = [1_000, 10_000, 60_000, 300_000, 900_000, 3_600_000, 21_600_000, 86_400_000];
export const MAX_BUCKETS = 1000;

export function autoResolution(rangeMs: number): number {
  return STEPS.find((s) => rangeMs / s <= MAX_BUCKETS) ?? STEPS[STEPS.length - 1]!;
}

/** Raw points and rollups by device, metric and time range. */
export const seriesModule: HubModule = {
  name: 'series',
  register(app, ctx) {
    const { store } = ctx.services;
    const tags = ['time series'];
    const ensureDevice = async (orgId: string, id: string) => {
      if (!(await store.fleet.getDevice(orgId, id))) throw new OutpostError('ERR_HUB_NOT_FOUND', `device ${id} not found`);
    };

    const MetricsQuery = Obj({ device: Series.device });
    app.get('/v1/metrics', { preValidation: requires('read'), schema: { tags, summary: 'Names of the metrics a device has stored points of, sorted (at most 1000).', querystring: MetricsQuery, response: errorResponses(404) } }, async (req) => {
      const q = req.query as Static<typeof MetricsQuery>;
      const orgId = orgOf(req);
      await ensureDevice(orgId, q.device);
      return { items: await store.series.metricNames(orgId, q.device) };
    });

    app.get('/v1/points', { preValidation: requires('read'), schema: { tags, summary: 'Raw points of one device and metric in [from, to).', querystring: PointsQuery, response: errorResponses(404) } }, async (req) => {
      const q = req.query as Static<typeof PointsQuery>;
      const orgId = orgOf(req);
      await ensureDevice(orgId, q.device);
      const r = range(q, ctx.now());
      const items = await store.series.points(orgId, { deviceId: q.device, metric: q.metric, ...r, limit: q.limit ?? 1000 });
      return { items: items.map((p) => ({ ts: p.ts, value: p.value, unit: p.unit, ...(p.text !== undefined ? { text: p.text } : {}) })), ...r };
    });

    app.get('/v1/rollups', { preValidation: requires('read'), schema: { tags, summary: 'count/min/max/avg per bucket; resolution auto keeps long ranges to ≤ 1000 buckets.', querystring: RollupsQuery, response: errorResponses(404) } }, async (req) => {
      const q = req.query as Static<typeof RollupsQuery>;
      const orgId = orgOf(req);
      await ensureDevice(orgId, q.device);
      const r = range(q, ctx.now());
      const resolution = q.resolution === undefined || q.resolution === 'auto' ? autoResolution(r.to - r.from) : q.resolution;
      if ((r.to - r.from) / resolution > 100_000) throw new OutpostError('ERR_QUERY_INVALID', `resolution ${resolution} ms gives more than 100000 buckets over this range; use a coarser resolution or auto`);
      const items = await store.series.rollups(orgId, { deviceId: q.device, metric: q.metric, ...r, bucketMs: resolution });
      return { items, resolution, ...r };
    });
  },
};
