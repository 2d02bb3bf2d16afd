import type { Api } from './client.js';
import type { Items, Point, Rollup } from './types.js';
import type { Series } from '../components/TimeChart.js';
import { RAW_UP_TO_MS } from '../components/range.js';

export interface SeriesData extends Series { device: string; metric: string; resolution: number | 'raw'; rows: Array<{ ts: number; value: number | null; min?: number; max?: number; count?: number }> }

/**
 * One metric of one device over [from, to): raw points for short spans, the hub's rollups (avg
 * per bucket, with min and max for the table) for long ones or when a resolution is asked for.
 */
export async function loadSeries(api: Api, q: { device: string; metric: string; from: number; to: number; resolution?: number | 'auto' | 'raw'; label?: string }): Promise<SeriesData> {
  const label = q.label ?? q.metric;
  const raw = q.resolution === 'raw' || (q.resolution === undefined && q.to - q.from <= RAW_UP_TO_MS);
  if (raw) {
    const r = await api.get<Items<Point>>('/v1/points', { device: q.device, metric: q.metric, from: q.from, to: q.to, limit: 10_000 });
    const rows = r.items.map((p) => ({ ts: p.ts, value: typeof p.value === 'number' ? p.value : null }));
    return { label, device: q.device, metric: q.metric, resolution: 'raw', rows, ts: rows.map((x) => x.ts), values: rows.map((x) => x.value) };
  }
  const r = await api.get<{ items: Rollup[]; resolution: number }>('/v1/rollups', { device: q.device, metric: q.metric, from: q.from, to: q.to, resolution: q.resolution ?? 'auto' });
  const rows = r.items.map((b) => ({ ts: b.bucket, value: b.avg, min: b.min, max: b.max, count: b.count }));
  return { label, device: q.device, metric: q.metric, resolution: r.resolution, rows, ts: rows.map((x) => x.ts), values: rows.map((x) => x.value) };
}
