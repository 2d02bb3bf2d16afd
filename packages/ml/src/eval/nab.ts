/**
 * NAB scoring (Lavin & Ahmad 2015; rules as written in shared/datasets/nab/README.md): scaled
 * sigmoid credit for the earliest detection in each labelled window, a charge for every detected
 * row outside windows, corpus-wide threshold, null/perfect normalisation. Written from the
 * README and cross-checked against the reference scorer (see nab.test.ts and bench/nab).
 */
export interface NabProfile { tp: number; fp: number; fn: number }

export const NAB_PROFILES = {
  standard: { tp: 1, fp: 0.11, fn: 1 },
  reward_low_FP_rate: { tp: 1, fp: 0.22, fn: 1 },
  reward_low_FN_rate: { tp: 1, fp: 0.11, fn: 2 },
} as const satisfies Record<string, NabProfile>;
export type NabProfileName = keyof typeof NAB_PROFILES;

/** One scored series: a score per row and its anomaly windows as inclusive row ranges. */
export interface NabSeries { scores: ArrayLike<number>; windows: ReadonlyArray<readonly [number, number]> }

export interface NabResult {
  threshold: number;
  /** Normalised: 0 = null detector, 100 = perfect. */
  score: number;
  raw: number;
  detectedWindows: number;
  windows: number;
  fpRows: number;
}

export function scaledSigmoid(x: number): number {
  return x > 3 ? -1 : 2 / (1 + Math.exp(5 * x)) - 1;
}

export function probationRows(n: number, fraction = 0.15): number {
  return Math.min(Math.floor(fraction * n), Math.floor(fraction * 5000));
}

const SIG_MINUS_ONE = scaledSigmoid(-1);

/** Flattened scorable rows of a corpus: score, global window id (−1 outside) and base value. */
interface Rows { score: Float64Array; win: Int32Array; base: Float64Array; nWindows: number }

function flatten(series: readonly NabSeries[], probation: number): Rows {
  let total = 0;
  for (const s of series) total += s.scores.length - probationRows(s.scores.length, probation);
  const rows: Rows = { score: new Float64Array(total), win: new Int32Array(total), base: new Float64Array(total), nWindows: 0 };
  let k = 0;
  for (const s of series) {
    const n = s.scores.length;
    const p = probationRows(n, probation);
    const ws = [...s.windows].sort((a, b) => a[0] - b[0]);
    let wi = 0;
    let prevEnd = -1;
    let prevWidth = 0;
    for (let i = 0; i < n; i++) {
      while (wi < ws.length && i > ws[wi]![1]) { prevEnd = ws[wi]![1]; prevWidth = ws[wi]![1] - ws[wi]![0] + 1; wi++; }
      const w = ws[wi];
      const inside = w !== undefined && i >= w[0] && i <= w[1];
      if (i < p) continue;
      const v = Number(s.scores[i]);
      rows.score[k] = Number.isFinite(v) ? v : 0;
      if (inside) {
        const width = w[1] - w[0] + 1;
        rows.win[k] = rows.nWindows + wi;
        rows.base[k] = scaledSigmoid(-(w[1] - i + 1) / width) / SIG_MINUS_ONE;
      } else {
        rows.win[k] = -1;
        rows.base[k] = prevEnd < 0 ? -1 : scaledSigmoid((i - prevEnd) / (prevWidth - 1));
      }
      k++;
    }
    rows.nWindows += ws.length;
  }
  return rows;
}

function normalise(raw: number, profile: NabProfile, nWindows: number): number {
  const nullScore = -profile.fn * nWindows;
  const perfect = profile.tp * nWindows;
  return nWindows === 0 ? 0 : (100 * (raw - nullScore)) / (perfect - nullScore);
}

/** NAB score of a corpus at a fixed threshold (detection ⇔ score ≥ threshold). */
export function nabScoreAt(series: readonly NabSeries[], profile: NabProfile, threshold: number, probation = 0.15): NabResult {
  const r = flatten(series, probation);
  const best = new Float64Array(r.nWindows).fill(-profile.fn);
  let fpSum = 0;
  let fpRows = 0;
  for (let i = 0; i < r.score.length; i++) {
    if (!(r.score[i]! >= threshold)) continue;
    const w = r.win[i]!;
    if (w >= 0) best[w] = Math.max(best[w]!, r.base[i]! * profile.tp);
    else { fpSum += r.base[i]! * profile.fp; fpRows++; }
  }
  let raw = fpSum;
  let detected = 0;
  for (const b of best) { raw += b; if (b > -profile.fn) detected++; }
  return { threshold, score: normalise(raw, profile, r.nWindows), raw, detectedWindows: detected, windows: r.nWindows, fpRows };
}

/**
 * The threshold NAB would pick: sweep every distinct score from high to low (plus "no detection",
 * written 1.1) and keep the best corpus score; ties go to the higher threshold.
 */
export function nabOptimise(series: readonly NabSeries[], profile: NabProfile, probation = 0.15): NabResult {
  const r = flatten(series, probation);
  const order = Array.from(r.score.keys()).sort((a, b) => r.score[b]! - r.score[a]!);
  const best = new Float64Array(r.nWindows).fill(-profile.fn);
  let raw = -profile.fn * r.nWindows;
  let top = { threshold: 1.1, raw, fpRows: 0 };
  let fpRows = 0;
  for (let k = 0; k < order.length; k++) {
    const i = order[k]!;
    const w = r.win[i]!;
    if (w >= 0) {
      const v = r.base[i]! * profile.tp;
      if (v > best[w]!) { raw += v - best[w]!; best[w] = v; }
    } else { raw += r.base[i]! * profile.fp; fpRows++; }
    const next = order[k + 1];
    if (next === undefined || r.score[next] !== r.score[i]) {
      if (raw > top.raw) top = { threshold: r.score[i]!, raw, fpRows };
    }
  }
  // Recount at the chosen threshold for the window tally (cheap, and one code path for detail).
  return nabScoreAt(series, profile, top.threshold, probation);
}
