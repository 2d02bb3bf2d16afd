import { OutpostError } from '@outpost/contract';

/**
 * One-Class SVM (Schölkopf et al. 2001) with an RBF kernel, trained in the dual by SMO as libsvm
 * does:  min ½ αᵀKα  s.t. 0 ≤ α_i ≤ 1/(ν·n), Σα_i = 1;  decision f(x) = Σ α_i k(x_i, x) − ρ.
 * Written here because npm has no maintained pure-JS/WASM one-class SVM (libsvm-js, the WASM
 * build of libsvm, has had no release in years). Training uses at most `maxRows` rows
 * (evenly spread), so the kernel matrix stays small; only support vectors are kept.
 */
export interface OcsvmModel {
  type: 'ocsvm';
  /** Per-feature mean and std used to standardise inputs. */
  mean: number[];
  std: number[];
  gamma: number;
  /** Support vectors (standardised) and their weights. */
  sv: number[][];
  alpha: number[];
  rho: number;
  /** Std of f(x) on the training rows: the unit of the anomaly score. */
  scale: number;
}

export interface OcsvmTrainOptions { nu: number; gamma: number; maxRows: number }

function kernel(gamma: number, a: ArrayLike<number>, b: ArrayLike<number>): number {
  let d = 0;
  for (let i = 0; i < a.length; i++) { const t = a[i]! - b[i]!; d += t * t; }
  return Math.exp(-gamma * d);
}

export function ocsvmDecision(m: OcsvmModel, x: ArrayLike<number>, buf: Float64Array): number {
  for (let i = 0; i < m.mean.length; i++) buf[i] = (x[i]! - m.mean[i]!) / m.std[i]!;
  let f = -m.rho;
  for (let k = 0; k < m.sv.length; k++) f += m.alpha[k]! * kernel(m.gamma, m.sv[k]!, buf);
  return f;
}

export function trainOcsvm(rows: readonly Float64Array[], o: OcsvmTrainOptions): OcsvmModel {
  if (rows.length < 2) throw new OutpostError('ERR_ML_TRAINING_DATA', `one-class SVM needs at least 2 feature rows, got ${rows.length}`);
  const d = rows[0]!.length;
  const all = rows.length;
  const mean = Array.from({ length: d }, (_, i) => rows.reduce((a, r) => a + r[i]!, 0) / all);
  // A constant feature gets std 1 so that standardising never divides by zero.
  const std = mean.map((m, i) => Math.sqrt(rows.reduce((a, r) => a + (r[i]! - m) ** 2, 0) / all) || 1);
  const step = Math.max(1, all / o.maxRows);
  const x: Float64Array[] = [];
  for (let k = 0; Math.floor(k * step) < all && x.length < o.maxRows; k++) {
    const r = rows[Math.floor(k * step)]!;
    x.push(Float64Array.from(r, (v, i) => (v - mean[i]!) / std[i]!));
  }
  const n = x.length;
  const K = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let j = i; j < n; j++) { const v = kernel(o.gamma, x[i]!, x[j]!); K[i * n + j] = v; K[j * n + i] = v; }
  // libsvm's start: the first ⌊νn⌋ weights at the bound C, one fractional, the rest 0.
  const C = 1 / (o.nu * n);
  const alpha = new Float64Array(n);
  let left = 1;
  for (let i = 0; i < n && left > 0; i++) { alpha[i] = Math.min(C, left); left -= alpha[i]!; }
  const G = new Float64Array(n);
  for (let i = 0; i < n; i++) { let s = 0; for (let j = 0; j < n; j++) s += K[i * n + j]! * alpha[j]!; G[i] = s; }
  for (let iter = 0; iter < 100 * n; iter++) {
    let up = -1; let down = -1;
    for (let i = 0; i < n; i++) {
      if (alpha[i]! < C - 1e-12 && (up < 0 || G[i]! < G[up]!)) up = i;
      if (alpha[i]! > 1e-12 && (down < 0 || G[i]! > G[down]!)) down = i;
    }
    if (up < 0 || down < 0 || G[down]! - G[up]! < 1e-6) break;
    const curv = Math.max(K[up * n + up]! + K[down * n + down]! - 2 * K[up * n + down]!, 1e-12);
    const delta = Math.min((G[down]! - G[up]!) / curv, C - alpha[up]!, alpha[down]!);
    alpha[up] = alpha[up]! + delta;
    alpha[down] = alpha[down]! - delta;
    for (let k = 0; k < n; k++) G[k] = G[k]! + delta * (K[k * n + up]! - K[k * n + down]!);
  }
  // ρ: mean gradient over free support vectors (0 < α < C), else the midpoint of the bounds.
  let free = 0; let sum = 0; let lo = -Infinity; let hi = Infinity;
  for (let i = 0; i < n; i++) {
    if (alpha[i]! > 1e-12 && alpha[i]! < C - 1e-12) { free++; sum += G[i]!; }
    else if (alpha[i]! <= 1e-12) hi = Math.min(hi, G[i]!);
    else lo = Math.max(lo, G[i]!);
  }
  const rho = free > 0 ? sum / free : (Number.isFinite(lo) && Number.isFinite(hi) ? (lo + hi) / 2 : Number.isFinite(lo) ? lo : hi);
  const sv: number[][] = [];
  const w: number[] = [];
  for (let i = 0; i < n; i++) if (alpha[i]! > 1e-12) { sv.push(Array.from(x[i]!)); w.push(alpha[i]!); }
  const model: OcsvmModel = { type: 'ocsvm', mean, std, gamma: o.gamma, sv, alpha: w, rho, scale: 1 };
  const buf = new Float64Array(d);
  const fs = rows.map((r) => ocsvmDecision(model, r, buf));
  const fm = fs.reduce((a, b) => a + b, 0) / all;
  model.scale = Math.sqrt(fs.reduce((a, b) => a + (b - fm) ** 2, 0) / all) || 1;
  return model;
}
