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
export function binOf(edges: ArrayLike<number>, v: number): number {
  let lo = 0;
  let hi = edges.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (v >= edges[mid]!) lo = mid + 1; else hi = mid;
  }
  return lo;
}

/**
 * Drift counting beyond `fullRows` rows in a period samples rows: one in `stride` (systematic,
 * random start per call), each counted `stride` times, so the counts stay an unbiased estimate
 * while a busy model pays for a fraction of its inputs. `random` is passed in for tests.
 */
export interface DriftSampling { fullRows: number; stride: number; random?: () => number }
export const DEFAULT_DRIFT_SAMPLING: DriftSampling = { fullRows: 4096, stride: 8 };

/** Counts live inputs per feature and bin (in typed arrays: this runs for every input value). */
export class DriftCounter {
  readonly counts: Float64Array[];
  private readonly edges: Float64Array[];
  /** Input rows seen (sampled or not). */
  samples = 0;

  constructor(readonly reference: DriftReference, private readonly sampling: DriftSampling = { fullRows: Infinity, stride: 1 }) {
    if (!(Number.isInteger(sampling.stride) && sampling.stride >= 1)) throw new OutpostError('ERR_CONFIG_INVALID', `drift sampling stride must be an integer ≥ 1, got ${sampling.stride}`);
    this.counts = reference.features.map((f) => new Float64Array(f.p.length));
    this.edges = reference.features.map((f) => Float64Array.from(f.edges));
  }

  /** One input row: `width` values of `values` from `at` (a flat batch's row without a copy). */
  add(values: ArrayLike<number>, at = 0, width = values.length - at): void {
    this.addRows(values, 1, width, at);
  }

  /** `rows` rows of `width` values, row-major from `at` (a flat batch). */
  addRows(values: ArrayLike<number>, rows: number, width: number, at = 0): void {
    const sampled = this.samples >= this.sampling.fullRows && this.sampling.stride > 1;
    const stride = sampled ? this.sampling.stride : 1;
    const first = sampled ? Math.floor((this.sampling.random ?? Math.random)() * stride) : 0;
    const n = Math.min(this.edges.length, width);
    for (let f = 0; f < n; f++) {
      const edges = this.edges[f]!;
      const counts = this.counts[f]!;
      for (let r = first, i = at + first * width + f; r < rows; r += stride, i += stride * width) counts[binOf(edges, values[i]!)]! += stride;
    }
    this.samples += rows;
  }

  figures(): DriftFigures | null {
    return this.samples === 0 ? null : { ...driftOf(this.reference, this.counts), samples: this.samples };
  }

  reset(): void {
    for (const c of this.counts) c.fill(0);
    this.samples = 0;
  }
}

const sum = (xs: ArrayLike<number>): number => { let t = 0; for (let i = 0; i < xs.length; i++) t += xs[i]!; return t; };

/** PSI and KL(observed ‖ reference) per feature; the model's figure is the worst feature's. */
export function driftOf(ref: DriftReference, counts: readonly ArrayLike<number>[]): DriftFigures {
  const features = ref.features.map((f, i) => {
    const c = counts[i] ?? [];
    const total = sum(c);
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
  const samples = counts[0] ? sum(counts[0]) : 0;
  return { psi: Math.max(0, ...features.map((x) => x.psi)), kl: Math.max(0, ...features.map((x) => x.kl)), features, samples };
}
