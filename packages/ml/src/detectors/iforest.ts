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
  /** Retrain on the latest `trainSize` rows every this many samples (0 = never; keeps drifting
   * streams from being judged against an old regime). */
  retrainEvery: number;
}

export const IFOREST_DEFAULTS: IForestParams = { window: 30, trees: 25, sampleSize: 256, trainSize: 500, seed: 1, retrainEvery: 0 };

export const IFOREST_FEATURES = ['deviation from window mean', 'change', 'window std'] as const;

/**
 * Isolation Forest scored per window. The feature vector at time t is the value's deviation from
 * the mean of the previous `window` samples, its change from the previous sample, and the std of
 * that window: level-free, so a forest trained on history still applies after the level moves. Trained either
 * beforehand (`fitIForest` on history, shipped as a model artifact) or online on the first
 * `trainSize` feature rows of the stream, which then count as warm-up.
 */
export class IForestCore implements DetectorCore {
  private readonly p: IForestParams;
  private readonly w: RollingWindow;
  private model: IsolationForestModel | null;
  private readonly pending: Float64Array[] = [];
  private readonly feat = new Float64Array(IFOREST_FEATURES.length);
  private ringPos = 0;
  private sinceTrain = 0;
  private generation = 0;

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
        if (this.p.retrainEvery > 0) this.collect();
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

  /** Keeps the latest `trainSize` rows in a ring and refits every `retrainEvery` samples. */
  private collect(): void {
    const ring = this.pending;
    if (ring.length < this.p.trainSize) ring.push(Float64Array.from(this.feat));
    else ring[this.ringPos]!.set(this.feat);
    this.ringPos = (this.ringPos + 1) % this.p.trainSize;
    if (++this.sinceTrain >= this.p.retrainEvery && ring.length >= Math.min(this.p.trainSize, 2)) {
      this.model = trainForest(ring, this.p.trees, this.p.sampleSize, this.p.seed + ++this.generation);
      this.sinceTrain = 0;
    }
  }

  stateBytes(): number {
    const nodes = this.model ? this.model.trees.reduce((a, t) => a + t.f.length, 0) : 0;
    return this.w.stateBytes() + this.pending.length * 32 + nodes * 4 * 8 + 32;
  }
}

export function featuresInto(out: Float64Array, x: number, prev: number, mean: number, std: number): void {
  out[0] = x - mean; out[1] = x - prev; out[2] = std;
}

/** Feature rows of a whole series (for training on history); non-finite values are skipped. */
export function featureRows(values: ArrayLike<number>, window: number): Float64Array[] {
  const w = new RollingWindow(window);
  const rows: Float64Array[] = [];
  for (let i = 0; i < values.length; i++) {
    const x = values[i]!;
    if (!Number.isFinite(x)) continue;
    if (w.count >= Math.min(window, 5)) {
      const f = new Float64Array(IFOREST_FEATURES.length);
      featuresInto(f, x, w.newest(), w.mean(), w.std());
      rows.push(f);
    }
    w.push(x);
  }
  return rows;
}
