/** Labels from the EdgePulse seed; every non-null detector output carries one. */
export const ANOMALY_LABELS = ['spike', 'drop', 'drift', 'missingness', 'stuck'] as const;
export type AnomalyLabel = (typeof ANOMALY_LABELS)[number];

/** What a detector says about one sample. `score` is in [0, 1]; 0 = normal, 1 = certainly anomalous. */
export interface AnomalyOutput {
  score: number;
  label: AnomalyLabel;
  /** Short human explanation, e.g. "value 3.4σ above the 60-sample baseline". */
  explanation: string;
}

/**
 * A streaming, causal detector for one (device, metric) stream. `update` sees every sample once,
 * in time order, and scores it against the past only. It returns null while warming up and for
 * samples it rejects (timestamp not after the previous one).
 */
export interface Detector {
  readonly kind: string;
  update(ts: number, value: number | null | undefined): AnomalyOutput | null;
  /** Approximate bytes of state held for this stream (typed arrays and scalars). */
  stateBytes(): number;
  /** Counters a node can expose as metrics. */
  stats(): DetectorStats;
}

export interface DetectorStats {
  accepted: number;
  rejectedTimestamps: number;
  missing: number;
  /** Samples inferred as skipped by gaps in the timestamps. */
  gapSamples: number;
}

/** What a detector core returns for one finite value (the guard adds missingness and stuck). */
export interface CoreResult {
  score: number;
  label: AnomalyLabel;
  explanation: string;
}

/** The value-only part of a detector; the guard handles time, gaps and bad values around it. */
export interface DetectorCore {
  /** `x` is always finite. Returns null while warming up. */
  score(x: number): CoreResult | null;
  stateBytes(): number;
}
