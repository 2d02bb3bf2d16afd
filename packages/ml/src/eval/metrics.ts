import { OutpostError } from '@outpost/contract';

export interface Confusion { tp: number; fp: number; fn: number; tn: number }
export interface PointMetrics extends Confusion { threshold: number; precision: number; recall: number; f1: number }

function check(scores: ArrayLike<number>, labels: ArrayLike<boolean | number>): void {
  if (scores.length !== labels.length) {
    throw new OutpostError('ERR_ML_LABELS_INVALID', `scores (${scores.length}) and labels (${labels.length}) must have the same length`);
  }
}

/** Point-wise precision, recall and F1 at a threshold (detection ⇔ score ≥ threshold). */
export function pointMetrics(scores: ArrayLike<number>, labels: ArrayLike<boolean | number>, threshold: number): PointMetrics {
  check(scores, labels);
  const c: Confusion = { tp: 0, fp: 0, fn: 0, tn: 0 };
  for (let i = 0; i < scores.length; i++) {
    const hit = scores[i]! >= threshold;
    const pos = Boolean(labels[i]);
    if (hit && pos) c.tp++; else if (hit) c.fp++; else if (pos) c.fn++; else c.tn++;
  }
  return withRates(c, threshold);
}

function withRates(c: Confusion, threshold: number): PointMetrics {
  const precision = c.tp + c.fp === 0 ? 0 : c.tp / (c.tp + c.fp);
  const recall = c.tp + c.fn === 0 ? 0 : c.tp / (c.tp + c.fn);
  const f1 = precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall);
  return { ...c, threshold, precision, recall, f1 };
}

/** ROC-AUC by the rank statistic (Mann-Whitney U), ties counted half; NaN if one class is empty. */
export function rocAuc(scores: ArrayLike<number>, labels: ArrayLike<boolean | number>): number {
  check(scores, labels);
  const idx = Array.from({ length: scores.length }, (_, i) => i).sort((a, b) => scores[a]! - scores[b]!);
  let pos = 0;
  let rankSumPos = 0;
  for (let i = 0; i < idx.length;) {
    let j = i;
    while (j + 1 < idx.length && scores[idx[j + 1]!] === scores[idx[i]!]) j++;
    const avgRank = (i + j) / 2 + 1;
    for (let k = i; k <= j; k++) if (labels[idx[k]!]) { pos++; rankSumPos += avgRank; }
    i = j + 1;
  }
  const neg = scores.length - pos;
  if (pos === 0 || neg === 0) return NaN;
  return (rankSumPos - (pos * (pos + 1)) / 2) / (pos * neg);
}

/** The threshold with the best F1 over every distinct score (ties: the higher threshold). */
export function bestF1Threshold(scores: ArrayLike<number>, labels: ArrayLike<boolean | number>): PointMetrics {
  check(scores, labels);
  const idx = Array.from({ length: scores.length }, (_, i) => i).sort((a, b) => scores[b]! - scores[a]!);
  let totalPos = 0;
  for (let i = 0; i < labels.length; i++) if (labels[i]) totalPos++;
  const c: Confusion = { tp: 0, fp: 0, fn: totalPos, tn: scores.length - totalPos };
  let best = withRates({ ...c }, Infinity);
  for (let k = 0; k < idx.length; k++) {
    const i = idx[k]!;
    if (labels[i]) { c.tp++; c.fn--; } else { c.fp++; c.tn--; }
    const next = idx[k + 1];
    if (next !== undefined && scores[next] === scores[i]) continue;
    const m = withRates({ ...c }, scores[i]!);
    if (m.f1 > best.f1) best = m;
  }
  return best;
}
