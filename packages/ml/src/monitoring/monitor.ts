import { DEFAULT_DRIFT_SAMPLING, DriftCounter, type DriftFigures, type DriftReference, type DriftSampling } from './drift.js';
import { LatencyHistogram, type LatencyBuckets } from './latency.js';
import type { FlatBatch } from '../onnx/session.js';

/**
 * What one host measured for one model version over a period: the compact report a gateway
 * ships to the hub (and the hub records for its own inference API).
 */
export interface ModelUsageReport {
  model: string;
  version: string;
  /** Inputs scored (rows), calls that failed, and latency per call (one call may score a batch). */
  count: number;
  errors: number;
  latency: LatencyBuckets;
  drift: DriftFigures | null;
  from: number;
  to: number;
}

class Usage {
  count = 0;
  errors = 0;
  latency = new LatencyHistogram();
  drift: DriftCounter | null;
  constructor(reference: DriftReference | null, readonly from: number, sampling: DriftSampling) {
    this.drift = reference ? new DriftCounter(reference, sampling) : null;
  }
}

function report(key: string, u: Usage, to: number): ModelUsageReport {
  const [model, version] = key.split('\u0000') as [string, string];
  return { model, version, count: u.count, errors: u.errors, latency: { ...u.latency.buckets }, drift: u.drift?.figures() ?? null, from: u.from, to };
}

/** Usage per model version since the last `drain()`. Clock passed in; drift sampled past `driftSampling.fullRows` rows a period. */
export class ModelMonitor {
  private readonly usage = new Map<string, Usage>();
  private readonly references = new Map<string, DriftReference | null>();

  constructor(private readonly now: () => number = Date.now, private readonly opts: { driftSampling?: DriftSampling } = {}) {}

  private key = (model: string, version: string) => `${model}\u0000${version}`;

  /** Sets the reference distribution inputs of this version are compared with (from its metadata). */
  setReference(model: string, version: string, reference: DriftReference | null): void {
    this.references.set(this.key(model, version), reference);
  }

  private get(model: string, version: string): Usage {
    const k = this.key(model, version);
    let u = this.usage.get(k);
    if (!u) { u = new Usage(this.references.get(k) ?? null, this.now(), this.opts.driftSampling ?? DEFAULT_DRIFT_SAMPLING); this.usage.set(k, u); }
    return u;
  }

  /**
   * One successful call: `rows` inputs scored in `ms` (nested rows, or a flat batch). Inputs feed
   * the drift counter when a reference is set.
   */
  recordCall(model: string, version: string, ms: number, rows: readonly (readonly number[])[] | FlatBatch): void {
    const u = this.get(model, version);
    u.latency.record(ms);
    if (Array.isArray(rows)) {
      u.count += rows.length;
      if (u.drift) for (const r of rows) u.drift.add(r);
      return;
    }
    const flat = rows as FlatBatch;
    u.count += flat.rows;
    u.drift?.addRows(flat.flat, flat.rows, flat.width);
  }

  recordError(model: string, version: string, ms: number): void {
    const u = this.get(model, version);
    u.errors++;
    u.latency.record(ms);
  }

  /** Reports for everything measured since the last drain, and a fresh start. */
  drain(): ModelUsageReport[] {
    const to = this.now();
    const out: ModelUsageReport[] = [];
    for (const [k, u] of this.usage) out.push(report(k, u, to));
    this.usage.clear();
    return out;
  }

  /** Reports without resetting (a status page). */
  peek(): ModelUsageReport[] {
    const to = this.now();
    return [...this.usage].map(([k, u]) => report(k, u, to));
  }
}

/** Point shape of @outpost/contract, repeated structurally so monitoring stays dependency-free. */
interface StatPoint { device: string; metric: string; ts: number; value: number; tags: Record<string, string> }

/**
 * A usage report as monitoring points `model.<stat>` (p50_ms, p95_ms, p99_ms, error_rate, psi,
 * kl) for the `model` alert rule kind; tag `model` = name@version. Figures a report lacks
 * (no calls, no drift reference) give no point.
 */
export function usagePoints(r: { model: string; version: string; errors: number; latency: Record<string, number>; drift: { psi: number; kl: number } | null; to: number }, device: string): StatPoint[] {
  const hist = new LatencyHistogram(r.latency);
  const tags = { model: `${r.model}@${r.version}` };
  const out: StatPoint[] = [];
  const add = (stat: string, value: number | null) => { if (value !== null && Number.isFinite(value)) out.push({ device, metric: `model.${stat}`, ts: r.to, value, tags }); };
  const p = hist.percentiles();
  add('p50_ms', p.p50); add('p95_ms', p.p95); add('p99_ms', p.p99);
  if (hist.count > 0) add('error_rate', r.errors / hist.count);
  if (r.drift) { add('psi', r.drift.psi); add('kl', r.drift.kl); }
  return out;
}
