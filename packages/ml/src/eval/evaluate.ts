import { OutpostError } from '@outpost/contract';
import { windowsToRows, labelsForSeries, type LabelWindow } from './labels.js';
import { bestF1Threshold, pointMetrics, rocAuc } from './metrics.js';
import { NAB_PROFILES, nabOptimise, nabScoreAt, type NabProfileName, type NabResult } from './nab.js';

export interface EvaluationInput {
  ts: ArrayLike<number>;
  scores: ArrayLike<number>;
  windows: readonly LabelWindow[];
  /** Use this threshold instead of the one chosen from the data. */
  threshold?: number;
}

export interface Evaluation {
  /** The threshold the metrics below are reported at: given, or NAB-standard-optimal. */
  threshold: number;
  /** Threshold with the best NAB standard score on this data (what to adjust from). */
  suggestedThreshold: number;
  bestF1Threshold: number;
  precision: number;
  recall: number;
  f1: number;
  rocAuc: number;
  nab: Record<NabProfileName, NabResult>;
}

/** Point metrics, ROC-AUC and NAB scores of one scored series against labelled windows. */
export function evaluateScores(input: EvaluationInput): Evaluation {
  const { ts, scores, windows } = input;
  if (ts.length !== scores.length) throw new OutpostError('ERR_ML_LABELS_INVALID', `ts (${ts.length}) and scores (${scores.length}) differ in length`);
  if (ts.length === 0) throw new OutpostError('ERR_ML_LABELS_INVALID', 'cannot evaluate an empty series');
  const labels = labelsForSeries(ts, windows);
  const series = [{ scores, windows: windowsToRows(ts, windows) }];
  const suggested = nabOptimise(series, NAB_PROFILES.standard).threshold;
  const threshold = input.threshold ?? suggested;
  const point = pointMetrics(scores, labels, threshold);
  const nab = Object.fromEntries(Object.entries(NAB_PROFILES).map(([name, prof]) => [name, nabScoreAt(series, prof, threshold)])) as Record<NabProfileName, NabResult>;
  return {
    threshold,
    suggestedThreshold: suggested,
    bestF1Threshold: bestF1Threshold(scores, labels).threshold,
    precision: point.precision,
    recall: point.recall,
    f1: point.f1,
    rocAuc: rocAuc(scores, labels),
    nab,
  };
}
