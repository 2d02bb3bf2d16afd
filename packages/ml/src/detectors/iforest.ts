import { OutpostError } from '@outpost/contract';
import { RollingWindow } from '../rolling.js';
import type { CoreResult, DetectorCore } from '../types.js';
import { forestScore, trainForest, type IsolationForestModel } from './iforest-model.js';

export interface IForestParams {
  /** Samples per feature window. */
  window: number;
  trees: number;
  sampleSize: number;
  /** Feature rows collected before training when no trained model is given. */
  trainSize: number;
  seed: number;
}

export const IFOREST_DEFAULTS: IForestParams = { window: 30, trees: 50, sampleSize: 256, trainSize: 500, seed: 1 };

export const IFOREST_FEATURES = ['value', 'change', 'window mean', 'window std'] as const;

/**
 * Isolation Forest scored per window. The feature vector at time t is the value, its change from
 * the previous sample, and the mean and std of the previous `window` samples. Trained either
 * beforehand (`fitIForest` on history, shipped as a model artifact) or online on the first
 * `trainSize` feature rows of the stream, which then count as warm-up.
 */
export class IForestCore implements DetectorCore {
  private readonly p: IForestParams;
  private readonly w: RollingWindow;
  private model: IsolationForestModel | null;
  private readonly pending: Float64Array[] = [];
  private readonly feat = new Float64Array(4);

  constructor(p: IForestParams, model: IsolationForestModel | null = null) {
    this.p = p;
    this.w = new RollingWindow(p.window);
    if (model && model.features !== IFOREST_FEATURES.length) {
      throw new OutpostError('ERR_ML_ARTIFACT_INVALID', `iforest model has ${model.features} features, expected ${IFOREST_FEATURES.length}`);
    }
    this.model = model;
  }

  get trained(): IsolationForestModel | null { return this.model; }

  score(x: number): CoreResult | null {
    let out: CoreResult | null = null;
    if (this.w.count >= Math.min(this.p.window, 5)) {
      const m = this.w.mean();
      featuresInto(this.feat, x, this.w.newest(), m, this.w.std());
      if (this.model) {
        const r = forestScore(this.model, this.feat);
        out = {
          score: r.score,
          label: x >= m ? 'spike' : 'drop',
          explanation: `window isolated after ${r.meanPath.toFixed(1)} splits on average (typical ${r.expected.toFixed(1)})`,
        };
      } else {
        this.pending.push(Float64Array.from(this.feat));
        if (this.pending.length >= this.p.trainSize) {
          this.model = trainForest(this.pending, this.p.trees, this.p.sampleSize, this.p.seed);
          this.pending.length = 0;
        }
      }
    }
    this.w.push(x);
    return out;
  }

  stateBytes(): number {
    const nodes = this.model ? this.model.trees.reduce((a, t) => a + t.f.length, 0) : 0;
    return this.w.stateBytes() + this.pending.length * 32 + nodes * 4 * 8 + 32;
  }
}

export function featuresInto(out: Float64Array, x: number, prev: number, mean: number, std: number): void {
  out[0] = x; out[1] = x - prev; out[2] = mean; out[3] = std;
}

/** Feature rows of a whole series (for training on history); non-finite values are skipped. */
export function featureRows(values: ArrayLike<number>, window: number): Float64Array[] {
  const w = new RollingWindow(window);
  const rows: Float64Array[] = [];
  for (let i = 0; i < values.length; i++) {
    const x = values[i]!;
    if (!Number.isFinite(x)) continue;
    if (w.count >= Math.min(window, 5)) {
      const f = new Float64Array(4);
      featuresInto(f, x, w.newest(), w.mean(), w.std());
      rows.push(f);
    }
    w.push(x);
  }
  return rows;
}
