import { OutpostError } from '@outpost/contract';
import { RollingWindow } from '../rolling.js';
import type { CoreResult, DetectorCore } from '../types.js';
import { IFOREST_FEATURES, featuresInto } from './iforest.js';
import { ocsvmDecision, trainOcsvm, type OcsvmModel } from './ocsvm-model.js';

export interface OcsvmParams {
  window: number;
  /** Upper bound on the fraction of training rows outside the boundary (ν). */
  nu: number;
  /** RBF kernel width on standardised features: k(x, y) = exp(−γ‖x − y‖²). */
  gamma: number;
  /** Rows (evenly spread) the SVM is solved on; bounds the kernel matrix to maxRows². */
  maxRows: number;
  trainSize: number;
}

export const OCSVM_DEFAULTS: OcsvmParams = { window: 30, nu: 0.05, gamma: 0.5, maxRows: 300, trainSize: 500 };

/**
 * One-Class SVM (RBF) over the same per-window features as the isolation forest. Score: how far the
 * window lies outside the learned boundary, in units of the training decision spread:
 * d = max(0, −f(x)) / scale, score = d / (d + 1) (0.5 = one spread outside).
 */
export class OcsvmCore implements DetectorCore {
  private readonly p: OcsvmParams;
  private readonly w: RollingWindow;
  private model: OcsvmModel | null;
  private readonly pending: Float64Array[] = [];
  private readonly feat = new Float64Array(IFOREST_FEATURES.length);
  private readonly buf: Float64Array;

  constructor(p: OcsvmParams, model: OcsvmModel | null = null) {
    this.p = p;
    this.w = new RollingWindow(p.window);
    if (model && (model.mean.length !== IFOREST_FEATURES.length || model.alpha.length !== model.sv.length || model.sv.some((v) => v.length !== IFOREST_FEATURES.length))) {
      throw new OutpostError('ERR_ML_ARTIFACT_INVALID', `ocsvm model must have ${IFOREST_FEATURES.length} features and one weight per support vector`);
    }
    this.model = model;
    this.buf = new Float64Array(IFOREST_FEATURES.length);
  }

  score(x: number): CoreResult | null {
    let out: CoreResult | null = null;
    if (this.w.count >= Math.min(this.p.window, 5)) {
      const m = this.w.mean();
      featuresInto(this.feat, x, this.w.newest(), m, this.w.std());
      if (this.model) {
        const f = ocsvmDecision(this.model, this.feat, this.buf);
        const d = Math.max(0, -f) / this.model.scale;
        out = {
          score: d / (d + 1),
          label: x >= m ? 'spike' : 'drop',
          explanation: d === 0 ? 'window inside the learned normal region' : `window ${d.toFixed(1)} spreads outside the learned normal region`,
        };
      } else {
        this.pending.push(Float64Array.from(this.feat));
        if (this.pending.length >= this.p.trainSize) {
          this.model = trainOcsvm(this.pending, this.p);
          this.pending.length = 0;
        }
      }
    }
    this.w.push(x);
    return out;
  }

  stateBytes(): number {
    const m = this.model;
    const modelBytes = m ? (m.sv.length * (m.mean.length + 1) + 2 * m.mean.length + 3) * 8 : 0;
    return this.w.stateBytes() + this.pending.length * 8 * IFOREST_FEATURES.length + this.buf.byteLength + modelBytes;
  }
}
