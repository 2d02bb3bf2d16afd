import { OutpostError } from '@outpost/contract';
import { makeArtifact, type ModelArtifact } from './artifact.js';
import { featureRows } from './detectors/iforest.js';
import { trainForest } from './detectors/iforest-model.js';
import { trainLstm, type LstmParams } from './detectors/lstm-ae.js';
import { trainOcsvm } from './detectors/ocsvm-model.js';
import type { OcsvmParams } from './detectors/ocsvm.js';
import { evaluateScores, type Evaluation } from './eval/evaluate.js';
import type { LabelWindow } from './eval/labels.js';
import { checkParam, resolveParams } from './params.js';
import { createDetector, detectorEntry, type DetectorModel } from './registry.js';

export interface TrainProgress { percent: number; stage: 'estimating' | 'searching' | 'training' | 'evaluating' | 'done'; etaSeconds: number | null }

export interface TrainRequest {
  kind: string;
  ts: ArrayLike<number>;
  values: ArrayLike<number>;
  /** Hand-set hyper-parameters (also the base that grid values override). */
  params?: Record<string, unknown>;
  /** Grid search: candidate values per parameter; needs `labels` (objective: NAB standard). */
  grid?: Record<string, ReadonlyArray<number | string>>;
  labels?: readonly LabelWindow[];
  limits?: Partial<TrainLimits>;
  onProgress?: (p: TrainProgress) => void;
  signal?: AbortSignal;
  /** Clock in ms, for ETA (injected so tests control it). */
  now?: () => number;
}

export interface TrainLimits { maxCombinations: number; maxSeconds: number }
export const DEFAULT_LIMITS: TrainLimits = { maxCombinations: 500, maxSeconds: 900 };

/**
 * Conservative single-core cost per point and combination (µs), from `npm run bench:nab` with
 * headroom; used only to refuse oversized jobs before they start and to show an estimate.
 */
const US_PER_POINT: Record<string, number> = { zscore: 3, robust: 4, ewma: 2, iforest: 20, ocsvm: 20, novelty: 8, 'lstm-ae': 5000 };
/** LSTM training: about 10 ms per window and epoch on one loaded core (tfjs CPU backend). */
const LSTM_US_PER_WINDOW_EPOCH = 10_000;

export interface TrainEstimate { combinations: number; points: number; estimatedSeconds: number }

export interface TrainResult {
  artifact: ModelArtifact;
  evaluation: Evaluation | null;
  /** One row per grid combination tried (NAB standard on the labels), best first. */
  tried: Array<{ params: Record<string, number | string>; nabStandard: number }>;
}

function finitePoints(req: TrainRequest): { ts: Float64Array; values: Float64Array } {
  if (req.ts.length !== req.values.length) {
    throw new OutpostError('ERR_ML_TRAINING_DATA', `training data: ${req.ts.length} timestamps but ${req.values.length} values`);
  }
  let n = 0;
  for (let i = 0; i < req.values.length; i++) if (Number.isFinite(req.values[i]!)) n++;
  if (n < 2) {
    throw new OutpostError('ERR_ML_TRAINING_DATA', `training data has ${n} finite value${n === 1 ? '' : 's'}; at least 2 are needed (is the time range empty?)`, { points: n });
  }
  return { ts: Float64Array.from(req.ts as ArrayLike<number>), values: Float64Array.from(req.values as ArrayLike<number>) };
}

function combinations(kind: string, base: Record<string, unknown> | undefined, grid: TrainRequest['grid']): Array<Record<string, number | string>> {
  const entry = detectorEntry(kind);
  const start = resolveParams(kind, entry.params, entry.defaults, base);
  let combos: Array<Record<string, number | string>> = [start];
  for (const [name, candidates] of Object.entries(grid ?? {})) {
    const spec = entry.params[name];
    if (!spec) throw new OutpostError('ERR_ML_SPEC_INVALID', `${kind}: grid names unknown parameter "${name}"`, { param: name });
    if (!Array.isArray(candidates) || candidates.length === 0) throw new OutpostError('ERR_ML_SPEC_INVALID', `${kind}: grid.${name} must be a non-empty array`);
    const checked = candidates.map((v) => checkParam(kind, name, spec, v));
    combos = combos.flatMap((c) => checked.map((v) => ({ ...c, [name]: v })));
    if (combos.length > 1e6) break; // the size check below reports it; avoid building huge arrays
  }
  return combos;
}

/** How big a training run is, before it starts. Throws ERR_ML_GRID_TOO_LARGE past the limits. */
export function estimateTraining(req: TrainRequest): TrainEstimate {
  detectorEntry(req.kind);
  const limits = { ...DEFAULT_LIMITS, ...req.limits };
  const combos = combinations(req.kind, req.params, req.grid).length;
  const points = req.values.length;
  let perCombo = points * (US_PER_POINT[req.kind] ?? 10);
  if (req.kind === 'lstm-ae') {
    const p = { ...detectorEntry('lstm-ae').defaults, ...req.params } as Record<string, unknown>;
    perCombo = perCombo / Number(p.stride ?? 1) + Number(p.epochs) * Number(p.maxWindows) * LSTM_US_PER_WINDOW_EPOCH;
  }
  const estimatedSeconds = (combos * perCombo) / 1e6;
  const est = { combinations: combos, points, estimatedSeconds };
  if (combos > limits.maxCombinations || estimatedSeconds > limits.maxSeconds) {
    throw new OutpostError('ERR_ML_GRID_TOO_LARGE',
      `training ${req.kind} would try ${combos} combination(s) over ${points} points, about ${Math.ceil(estimatedSeconds)} s; limits are ${limits.maxCombinations} combinations and ${limits.maxSeconds} s`,
      { ...est, ...limits });
  }
  return est;
}

const CHUNK = 20_000;

/** Runs a detector over a series, yielding to the event loop between chunks (for abort/progress). */
async function scoreSeries(kind: string, params: Record<string, number | string>, model: DetectorModel | null, ts: Float64Array, values: Float64Array, tick: (done: number) => void, signal?: AbortSignal): Promise<Float64Array> {
  const d = createDetector({ kind, params, model });
  const out = new Float64Array(values.length);
  for (let i = 0; i < values.length; i++) {
    out[i] = d.update(ts[i]!, values[i]!)?.score ?? 0;
    if ((i + 1) % CHUNK === 0) { tick(CHUNK); await yieldTurn(); throwIfAborted(signal); }
  }
  tick(values.length % CHUNK);
  return out;
}

function yieldTurn(): Promise<void> { return new Promise((r) => setImmediate(r)); }

function throwIfAborted(signal?: AbortSignal): void {
  if (signal?.aborted) throw new OutpostError('ERR_ML_CANCELLED', 'training was cancelled', { reason: String(signal.reason ?? 'aborted') });
}

/**
 * Fits a detector on a series: hand-set parameters, or the best of a bounded grid by NAB standard
 * score on the given labels. Trainable kinds (iforest) learn their model from the series. Reports
 * progress (percent, stage, ETA) and stops with ERR_ML_CANCELLED when `signal` aborts.
 */
export async function trainDetector(req: TrainRequest): Promise<TrainResult> {
  const now = req.now ?? (() => Date.now());
  const report = req.onProgress ?? (() => {});
  throwIfAborted(req.signal);
  report({ percent: 0, stage: 'estimating', etaSeconds: null });
  const est = estimateTraining(req);
  const { ts, values } = finitePoints(req);
  const entry = detectorEntry(req.kind);
  if (req.grid && Object.keys(req.grid).length > 0 && !(req.labels && req.labels.length > 0)) {
    throw new OutpostError('ERR_ML_SPEC_INVALID', 'grid search needs labels (anomaly windows) to compare combinations');
  }
  const combos = combinations(req.kind, req.params, req.grid);
  const total = combos.length * values.length * (req.labels ? 1 : 0) + (entry.trainable ? values.length : 0) + 1;
  let done = 0;
  const started = now();
  const tick = (stage: TrainProgress['stage']) => (n: number) => {
    done += n;
    const elapsed = (now() - started) / 1000;
    const frac = Math.min(1, done / total);
    report({ percent: Math.round(frac * 1000) / 10, stage, etaSeconds: frac > 0 ? (elapsed / frac) * (1 - frac) : est.estimatedSeconds });
  };
  const fit = async (params: Record<string, number | string>): Promise<DetectorModel | null> => {
    if (!entry.trainable) return null;
    if (req.kind === 'lstm-ae') {
      const epochs = Number(params.epochs);
      // Per-epoch progress when this is the only run (a grid reports per combination instead).
      const onEpoch = combos.length === 1 ? (e: number) => {
        const elapsed = (now() - started) / 1000;
        report({ percent: Math.min(99, Math.round((e / epochs) * 1000) / 10), stage: 'training', etaSeconds: (elapsed / e) * (epochs - e) });
      } : undefined;
      const model = await trainLstm(values, params as unknown as LstmParams, { signal: req.signal, onEpoch });
      throwIfAborted(req.signal);
      return model;
    }
    const rows = featureRows(values, Number(params.window));
    if (rows.length < 2) throw new OutpostError('ERR_ML_TRAINING_DATA', `${req.kind} needs more than ${params.window} finite values to build feature windows, got ${values.length}`);
    if (req.kind === 'ocsvm') return trainOcsvm(rows, params as unknown as OcsvmParams);
    return trainForest(rows, Number(params.trees), Number(params.sampleSize), Number(params.seed));
  };
  const tried: TrainResult['tried'] = [];
  let best = combos[0]!;
  if (req.labels && req.labels.length > 0) {
    let bestScore = -Infinity;
    for (const params of combos) {
      const model = await fit(params);
      const scores = await scoreSeries(req.kind, params, model, ts, values, tick('searching'), req.signal);
      const nab = evaluateScores({ ts, scores, windows: req.labels }).nab.standard.score;
      tried.push({ params, nabStandard: nab });
      if (nab > bestScore) { bestScore = nab; best = params; }
    }
    tried.sort((a, b) => b.nabStandard - a.nabStandard);
  }
  throwIfAborted(req.signal);
  const model = await fit(best);
  tick('training')(entry.trainable ? values.length : 0);
  let evaluation: Evaluation | null = null;
  if (req.labels && req.labels.length > 0) {
    const scores = await scoreSeries(req.kind, best, model, ts, values, () => {}, req.signal);
    evaluation = evaluateScores({ ts, scores, windows: req.labels });
  }
  const artifact = makeArtifact({
    kind: req.kind,
    params: best,
    threshold: evaluation ? Math.min(1.1, evaluation.suggestedThreshold) : entry.threshold,
    trainedOn: { points: values.length, from: ts[0] ?? null, to: ts[ts.length - 1] ?? null },
    metrics: evaluation ? { precision: evaluation.precision, recall: evaluation.recall, f1: evaluation.f1, rocAuc: Number.isNaN(evaluation.rocAuc) ? -1 : evaluation.rocAuc, nabStandard: evaluation.nab.standard.score } : {},
    model,
  });
  done = total;
  report({ percent: 100, stage: 'done', etaSeconds: 0 });
  return { artifact, evaluation, tried };
}
