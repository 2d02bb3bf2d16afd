import { OutpostError } from '@outpost/contract';

/**
 * Input drift against a reference (training) distribution: per input feature, the reference
 * sample's quantile cut points and the share of the sample in each bin. Live inputs are counted
 * into the same bins; PSI and KL divergence compare the two. Only the bin counts and the two
 * figures travel, never the inputs.
 */
export interface FeatureReference { edges: number[]; p: number[] }
export interface DriftReference { features: FeatureReference[] }
export interface DriftFigures { psi: number; kl: number; features: { psi: number; kl: number }[]; samples: number }

/** Share given to empty bins so that ln(o/r) stays finite. */
const EPS = 1e-4;

export function referenceFromSample(rows: readonly number[][], bins = 10): DriftReference {
  if (rows.length < bins) throw new OutpostError('ERR_MODEL_INVALID', `a drift reference needs at least ${bins} sample rows, got ${rows.length}`);
  const width = rows[0]!.length;
  const features: FeatureReference[] = [];
  for (let f = 0; f < width; f++) {
    const col = rows.map((r, i) => {
      const v = r[f];
      if (typeof v !== 'number' || !Number.isFinite(v)) throw new OutpostError('ERR_MODEL_INVALID', `reference sample row ${i} feature ${f} is ${JSON.stringify(v)}; expected a finite number`);
      return v;
    }).sort((a, b) => a - b);
    const edges = [...new Set(Array.from({ length: bins - 1 }, (_, i) => col[Math.floor(((i + 1) * col.length) / bins)]!))];
    const counts = new Array<number>(edges.length + 1).fill(0);
    for (const v of col) counts[binOf(edges, v)]!++;
    features.push({ edges, p: counts.map((c) => c / col.length) });
  }
  return { features };
}

/** Index of the bin of `v`: bins are (-∞, e0), [e0, e1), …, [e_last, ∞). */
export function binOf(edges: readonly number[], v: number): number {
  let lo = 0;
  let hi = edges.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (v >= edges[mid]!) lo = mid + 1; else hi = mid;
  }
  return lo;
}

/** Counts live inputs per feature and bin. */
export class DriftCounter {
  readonly counts: number[][];
  samples = 0;

  constructor(readonly reference: DriftReference) {
    this.counts = reference.features.map((f) => new Array<number>(f.p.length).fill(0));
  }

  /** One input row: `width` values of `values` from `at` (a flat batch's row without a copy). */
  add(values: ArrayLike<number>, at = 0, width = values.length - at): void {
    const fs = this.reference.features;
    for (let f = 0; f < fs.length && f < width; f++) this.counts[f]![binOf(fs[f]!.edges, values[at + f]!)]!++;
    this.samples++;
  }

  figures(): DriftFigures | null {
    return this.samples === 0 ? null : driftOf(this.reference, this.counts);
  }

  reset(): void {
    for (const c of this.counts) c.fill(0);
    this.samples = 0;
  }
}

/** PSI and KL(observed ‖ reference) per feature; the model's figure is the worst feature's. */
export function driftOf(ref: DriftReference, counts: readonly number[][]): DriftFigures {
  const features = ref.features.map((f, i) => {
    const c = counts[i] ?? [];
    const total = c.reduce((a, b) => a + b, 0);
    let psi = 0;
    let kl = 0;
    for (let b = 0; b < f.p.length; b++) {
      const o = Math.max(EPS, total ? (c[b] ?? 0) / total : 0);
      const r = Math.max(EPS, f.p[b]!);
      psi += (o - r) * Math.log(o / r);
      kl += o * Math.log(o / r);
    }
    return { psi, kl };
  });
  const samples = counts[0]?.reduce((a, b) => a + b, 0) ?? 0;
  return { psi: Math.max(0, ...features.map((x) => x.psi)), kl: Math.max(0, ...features.map((x) => x.kl)), features, samples };
}
