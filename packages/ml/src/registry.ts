import { OutpostError } from '@outpost/contract';
import { EWMA_DEFAULTS, EwmaCore, type EwmaParams } from './detectors/ewma.js';
import { IFOREST_DEFAULTS, IForestCore, type IForestParams } from './detectors/iforest.js';
import type { IsolationForestModel } from './detectors/iforest-model.js';
import { LSTM_DEFAULTS, LstmCore, type LstmModel, type LstmParams } from './detectors/lstm-ae.js';
import type { OcsvmModel } from './detectors/ocsvm-model.js';
import { OCSVM_DEFAULTS, OcsvmCore, type OcsvmParams } from './detectors/ocsvm.js';
import { NOVELTY_DEFAULTS, NoveltyCore, type NoveltyParams } from './detectors/novelty.js';
import { ROBUST_DEFAULTS, RobustCore, type RobustParams } from './detectors/robust.js';
import { ZSCORE_DEFAULTS, ZScoreCore, type ZScoreParams } from './detectors/zscore.js';
import { DEFAULT_GUARD, GuardedDetector, type GuardOptions } from './guard.js';
import { checkParam, resolveParams, type ParamTable, type ParamValues } from './params.js';
import type { Detector, DetectorCore } from './types.js';

/** Trained state of a detector: isolation forest, one-class SVM or LSTM autoencoder. */
export type DetectorModel = IsolationForestModel | OcsvmModel | LstmModel;

function modelOf<T extends DetectorModel>(kind: string, m: DetectorModel | null, is: (m: DetectorModel) => m is T): T | null {
  if (m === null) return null;
  if (!is(m)) throw new OutpostError('ERR_ML_SPEC_INVALID', `the model given to ${kind} is not a ${kind} model`);
  return m;
}
const isForest = (m: DetectorModel): m is IsolationForestModel => !('type' in m) && 'trees' in m;
const isOcsvm = (m: DetectorModel): m is OcsvmModel => 'type' in m && m.type === 'ocsvm';
const isLstm = (m: DetectorModel): m is LstmModel => 'type' in m && m.type === 'lstm-ae';

/** How a detector is asked for: by kind, with optional parameters, guard options and model. */
export interface DetectorSpec {
  kind: string;
  params?: Record<string, unknown>;
  guard?: Partial<GuardOptions>;
  /** Trained state, for kinds that have one (iforest, ocsvm, lstm-ae). */
  model?: DetectorModel | null;
}

export interface DetectorEntry {
  kind: string;
  doc: string;
  params: ParamTable;
  defaults: ParamValues;
  /** Threshold fixed in advance (not tuned on any data): score ≥ threshold is an anomaly. */
  threshold: number;
  trainable: boolean;
  /** Cannot learn online: needs a model from `trainDetector` (lstm-ae, whose training is async). */
  requiresModel?: boolean;
  build(params: ParamValues, model: DetectorModel | null): DetectorCore;
}

const ZREF = { type: 'number', min: 0.1, max: 100, doc: 'deviation (σ) that scores 0.5' } as const;

/** The built-in detectors, one entry each; lookup is by `kind`. */
export const DETECTORS: readonly DetectorEntry[] = [
  {
    kind: 'zscore', doc: 'z-score against the rolling mean/std of the previous window', threshold: 0.5, trainable: false,
    params: { window: { type: 'number', min: 2, max: 100_000, integer: true, doc: 'baseline samples' }, zRef: ZREF },
    defaults: { ...ZSCORE_DEFAULTS }, build: (p) => new ZScoreCore(p as unknown as ZScoreParams),
  },
  {
    kind: 'robust', doc: 'median/MAD or quartile/IQR score against the previous window', threshold: 0.5, trainable: false,
    params: {
      window: { type: 'number', min: 4, max: 100_000, integer: true, doc: 'baseline samples' },
      method: { type: 'enum', values: ['mad', 'iqr'], doc: 'robust scale' },
      zRef: ZREF,
      fence: { type: 'number', min: 0, max: 10, doc: 'Tukey fence factor (iqr)' },
    },
    defaults: { ...ROBUST_DEFAULTS }, build: (p) => new RobustCore(p as unknown as RobustParams),
  },
  {
    kind: 'ewma', doc: 'EWMA baseline with optional additive season (Holt-Winters without trend)', threshold: 0.5, trainable: false,
    params: {
      alpha: { type: 'number', min: 0.0001, max: 0.9999, doc: 'level smoothing' },
      beta: { type: 'number', min: 0.0001, max: 0.9999, doc: 'variance smoothing' },
      season: { type: 'number', min: 0, max: 100_000, integer: true, doc: 'season length in samples (0 = none)' },
      gamma: { type: 'number', min: 0.0001, max: 0.9999, doc: 'seasonal smoothing' },
      zRef: ZREF,
      warmup: { type: 'number', min: 1, max: 1_000_000, integer: true, doc: 'samples before scoring' },
    },
    defaults: { ...EWMA_DEFAULTS }, build: (p) => new EwmaCore(p as unknown as EwmaParams),
  },
  {
    kind: 'iforest', doc: 'Isolation Forest over per-window features, trained on history', threshold: 0.6, trainable: true,
    params: {
      window: { type: 'number', min: 2, max: 10_000, integer: true, doc: 'samples per feature window' },
      trees: { type: 'number', min: 1, max: 1000, integer: true, doc: 'number of trees' },
      sampleSize: { type: 'number', min: 2, max: 100_000, integer: true, doc: 'rows per tree' },
      trainSize: { type: 'number', min: 2, max: 1_000_000, integer: true, doc: 'rows collected before online training' },
      seed: { type: 'number', min: 0, max: 2 ** 31, integer: true, doc: 'random seed' },
      retrainEvery: { type: 'number', min: 0, max: 1e9, integer: true, doc: 'refit on the latest rows every N samples (0 = never)' },
    },
    defaults: { ...IFOREST_DEFAULTS }, build: (p, m) => new IForestCore(p as unknown as IForestParams, modelOf('iforest', m, isForest)),
  },
  {
    kind: 'ocsvm', doc: 'One-Class SVM (RBF kernel, SMO) over per-window features', threshold: 0.5, trainable: true,
    params: {
      window: { type: 'number', min: 2, max: 10_000, integer: true, doc: 'samples per feature window' },
      nu: { type: 'number', min: 0.001, max: 1, doc: 'fraction of training rows allowed outside' },
      gamma: { type: 'number', min: 1e-6, max: 1e3, doc: 'RBF width on standardised features' },
      maxRows: { type: 'number', min: 2, max: 5000, integer: true, doc: 'rows the SVM is solved on' },
      trainSize: { type: 'number', min: 2, max: 1_000_000, integer: true, doc: 'rows collected before online training' },
    },
    defaults: { ...OCSVM_DEFAULTS }, build: (p, m) => new OcsvmCore(p as unknown as OcsvmParams, modelOf('ocsvm', m, isOcsvm)),
  },
  {
    kind: 'lstm-ae', doc: 'LSTM autoencoder (TensorFlow.js, CPU) scoring reconstruction error per window', threshold: 0.5,
    trainable: true, requiresModel: true,
    params: {
      window: { type: 'number', min: 4, max: 1000, integer: true, doc: 'samples per window' },
      units: { type: 'number', min: 1, max: 256, integer: true, doc: 'LSTM units (code size)' },
      epochs: { type: 'number', min: 1, max: 1000, integer: true, doc: 'training epochs' },
      maxWindows: { type: 'number', min: 8, max: 100_000, integer: true, doc: 'training windows, evenly spread' },
      stride: { type: 'number', min: 1, max: 10_000, integer: true, doc: 'score a window every N samples' },
    },
    defaults: { ...LSTM_DEFAULTS }, build: (p, m) => new LstmCore(p as unknown as LstmParams, modelOf('lstm-ae', m, isLstm)),
  },
  {
    kind: 'novelty', doc: 'Outpost seasonal novelty: rank-based level, season and isolation novelty, onsets only', threshold: 0.5, trainable: false,
    params: {
      history: { type: 'number', min: 20, max: 100_000, integer: true, doc: 'samples of history ranked against' },
      recentHistory: { type: 'number', min: 20, max: 100_000, integer: true, doc: 'samples of the recent regime' },
      recentWeight: { type: 'number', min: 0, max: 10, doc: 'weight of the recent-regime novelty (0 = off)' },
      seasonWeight: { type: 'number', min: 0, max: 10, doc: 'weight of the seasonal novelty (0 = off)' },
      periodWarmup: { type: 'number', min: 16, max: 100_000, integer: true, doc: 'samples before the season is estimated' },
      acfMin: { type: 'number', min: 0, max: 1, doc: 'autocorrelation needed to accept a season' },
      maxPeriod: { type: 'number', min: 4, max: 100_000, integer: true, doc: 'longest season considered' },
      suppress: { type: 'number', min: 0, max: 100_000, integer: true, doc: 'samples a reported score must beat' },
      driftWindow: { type: 'number', min: 2, max: 10_000, integer: true, doc: 'samples averaged to call a shift drift' },
      warmup: { type: 'number', min: 0, max: 1_000_000, integer: true, doc: 'samples before scoring' },
      isolation: { type: 'number', min: 0, max: 10, doc: 'gap to the nearest past value (fraction of the 1–99% spread) that counts as new (0 = off)' },
      refractory: { type: 'number', min: 0, max: 100_000, integer: true, doc: 'samples after an alarm in which a new one must beat it (0 = off)' },
      refractoryMargin: { type: 'number', min: 0, max: 1, doc: 'score margin a new alarm needs within the refractory period' },
    },
    defaults: { ...NOVELTY_DEFAULTS }, build: (p) => new NoveltyCore(p as unknown as NoveltyParams),
  },
];

export function detectorEntry(kind: string): DetectorEntry {
  const e = DETECTORS.find((d) => d.kind === kind);
  if (!e) {
    throw new OutpostError('ERR_ML_SPEC_INVALID', `unknown detector kind ${JSON.stringify(kind)}; expected one of ${DETECTORS.map((d) => d.kind).join(', ')}`, { kind });
  }
  return e;
}

const GUARD_TABLE: ParamTable = {
  missingWindow: { type: 'number', min: 2, max: 100_000, integer: true, doc: 'slots for the missing rate' },
  stuckRun: { type: 'number', min: 2, max: 1e9, integer: true, doc: 'identical values that count as stuck' },
  missingSuppress: { type: 'number', min: 0, max: 100_000, integer: true, doc: 'samples a missingness score must beat (0 = report every gap)' },
};

export function resolveGuard(kind: string, given: unknown): GuardOptions {
  const g = resolveParams(`${kind}.guard`, GUARD_TABLE, { ...DEFAULT_GUARD } as unknown as ParamValues, given);
  return g as unknown as GuardOptions;
}

/** Builds a detector for one stream; throws ERR_ML_SPEC_INVALID naming what is wrong. */
export function createDetector(spec: DetectorSpec): Detector {
  if (typeof spec !== 'object' || spec === null) throw new OutpostError('ERR_ML_SPEC_INVALID', `detector spec must be an object, got ${JSON.stringify(spec)}`);
  const entry = detectorEntry(spec.kind);
  const params = resolveParams(entry.kind, entry.params, entry.defaults, spec.params);
  const guard = resolveGuard(entry.kind, spec.guard);
  if (spec.model && !entry.trainable) throw new OutpostError('ERR_ML_SPEC_INVALID', `${entry.kind} takes no trained model`);
  return new GuardedDetector(entry.kind, entry.build(params, spec.model ?? null), guard);
}

export { checkParam };
