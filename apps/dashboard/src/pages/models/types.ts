/** The hub's model registry and monitoring answers (/v1/registry, docs/models.md), as this page reads them. */
export interface ModelVersion {
  name: string; version: number; format: string; framework: string; executable: boolean; description: string;
  sizeBytes: number; tags: string[]; deprecated: { at: number; reason: string } | null; downloads: number; createdAt: number;
  meta: { expectedLatencyMs?: number | null; testLatencyMs?: number | null; metrics?: Record<string, number> | null };
}
export interface ModelSummary { name: string; latest: ModelVersion; versions: number; tags: Record<string, number> }

/** One version on one UTC day (all sources merged). */
export interface UsageDay {
  name: string; version: string; day: string; source: string; count: number; errors: number; errorRate: number;
  p50Ms: number | null; p95Ms: number | null; p99Ms: number | null; psi: number | null; kl: number | null; driftSamples: number;
}
export interface AccuracyDay { version: number; day: string; labelled: number; accuracy: number; mae: number }
export interface Monitoring { model: string; from: number; to: number; days: UsageDay[]; accuracyByDay: AccuracyDay[] }

/** One line of a chart: the shape TimeChart draws (its `Series`), declared here so charts.ts stays free of JSX and testable under Node. */
export interface ChartSeries { label: string; ts: number[]; values: Array<number | null> }
