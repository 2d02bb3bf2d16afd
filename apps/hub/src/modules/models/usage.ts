import type { ModelUsage } from '@outpost/contract/api/hub';
import { LatencyHistogram, usagePoints } from '@outpost/ml';
import type { PointFeed } from '../../core/point-feed.js';
import type { ModelsDb } from './db.js';

const DAY = 86_400_000;

/** One row of the monitoring view: a model version on one UTC day, from one source or all. */
export interface UsageDay {
  name: string; version: string; day: string; source: string;
  count: number; errors: number; errorRate: number;
  p50Ms: number | null; p95Ms: number | null; p99Ms: number | null;
  psi: number | null; kl: number | null; driftSamples: number;
}

/**
 * Inference usage per model version, day and source (`hub` for the inference API, a device id
 * for a gateway's pipeline model nodes), merged from compact reports: latency histograms add up,
 * drift figures are averaged weighted by their sample counts.
 */
export class UsageRepo {
  /** `feed`: where the figures go as `model.<stat>` points, for the `model` alert rule kind. */
  constructor(private readonly db: ModelsDb, private readonly feed?: PointFeed) {}

  async record(orgId: string, source: string, reports: readonly ModelUsage[]): Promise<void> {
    for (const r of reports) {
      const day = Math.floor(r.to / DAY) * DAY;
      await this.db.transaction().execute(async (trx) => {
        const key = (q: any) => q.where('org_id', '=', orgId).where('name', '=', r.model).where('version', '=', r.version).where('day', '=', day).where('source', '=', source); // eslint-disable-line @typescript-eslint/no-explicit-any
        const old = await key(trx.selectFrom('model_usage').selectAll()).executeTakeFirst() as { count: number; errors: number; latency: string; drift_psi: number | null; drift_kl: number | null; drift_samples: number } | undefined;
        const hist = new LatencyHistogram(old ? JSON.parse(old.latency) : {});
        hist.merge(r.latency);
        const n0 = Number(old?.drift_samples ?? 0);
        const n1 = r.drift?.samples ?? 0;
        const mix = (a: number | null | undefined, b: number | undefined) => (n0 + n1 === 0 ? (a ?? b ?? null) : ((a ?? 0) * n0 + (b ?? 0) * n1) / (n0 + n1));
        const row = {
          count: Number(old?.count ?? 0) + r.count, errors: Number(old?.errors ?? 0) + r.errors, latency: JSON.stringify(hist.buckets),
          drift_psi: r.drift || old?.drift_psi != null ? mix(old?.drift_psi, r.drift?.psi) : null,
          drift_kl: r.drift || old?.drift_kl != null ? mix(old?.drift_kl, r.drift?.kl) : null,
          drift_samples: n0 + n1,
        };
        if (old) await key(trx.updateTable('model_usage').set(row)).execute();
        else await trx.insertInto('model_usage').values({ org_id: orgId, name: r.model, version: r.version, day, source, ...row }).execute();
      });
    }
    this.feed?.emit(orgId, reports.flatMap((r) => usagePoints(r, source)));
  }

  /**
   * Per version and day (all sources merged unless `bySource`), oldest first; with `wholeRange`
   * one row per version for the whole range (`day` is then the first day).
   */
  async days(orgId: string, name: string, range: { from: number; to: number }, opts: { version?: string | undefined; bySource?: boolean; wholeRange?: boolean } = {}): Promise<UsageDay[]> {
    let q = this.db.selectFrom('model_usage').selectAll().where('org_id', '=', orgId).where('name', '=', name)
      .where('day', '>=', Math.floor(range.from / DAY) * DAY).where('day', '<', range.to);
    if (opts.version !== undefined) q = q.where('version', '=', opts.version);
    const rows = await q.orderBy('day').orderBy('version').orderBy('source').execute();
    const groups = new Map<string, { name: string; version: string; day: number; source: string; count: number; errors: number; hist: LatencyHistogram; psi: number; kl: number; n: number; drift: boolean }>();
    for (const r of rows) {
      const source = opts.bySource ? r.source : 'all';
      const k = `${r.version}|${opts.wholeRange ? '' : r.day}|${source}`;
      let g = groups.get(k);
      if (!g) { g = { name, version: r.version, day: Number(r.day), source, count: 0, errors: 0, hist: new LatencyHistogram(), psi: 0, kl: 0, n: 0, drift: false }; groups.set(k, g); }
      g.count += Number(r.count);
      g.errors += Number(r.errors);
      g.hist.merge(JSON.parse(r.latency));
      if (r.drift_psi !== null) {
        const n = Number(r.drift_samples);
        g.psi += Number(r.drift_psi) * n; g.kl += Number(r.drift_kl ?? 0) * n; g.n += n; g.drift = true;
      }
    }
    return [...groups.values()].map((g) => {
      const p = g.hist.percentiles();
      const calls = g.hist.count;
      return {
        name: g.name, version: g.version, day: new Date(g.day).toISOString().slice(0, 10), source: g.source, count: g.count, errors: g.errors,
        errorRate: calls === 0 ? 0 : g.errors / calls, p50Ms: p.p50, p95Ms: p.p95, p99Ms: p.p99,
        psi: g.drift && g.n > 0 ? g.psi / g.n : null, kl: g.drift && g.n > 0 ? g.kl / g.n : null, driftSamples: g.n,
      };
    });
  }
}

const CSV_COLUMNS: (keyof UsageDay)[] = ['day', 'name', 'version', 'source', 'count', 'errors', 'errorRate', 'p50Ms', 'p95Ms', 'p99Ms', 'psi', 'kl', 'driftSamples'];

/** The monitoring rows as CSV (RFC 4180 quoting), one line per row, header first. */
export function usageCsv(rows: readonly UsageDay[], accuracy: ReadonlyMap<string, number | null> = new Map()): string {
  const cell = (v: unknown) => {
    const s = v === null || v === undefined ? '' : String(v);
    return /[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
  };
  const lines = [[...CSV_COLUMNS, 'accuracy'].join(',')];
  for (const r of rows) lines.push([...CSV_COLUMNS.map((c) => cell(r[c])), cell(accuracy.get(r.version) ?? null)].join(','));
  return lines.join('\n') + '\n';
}
