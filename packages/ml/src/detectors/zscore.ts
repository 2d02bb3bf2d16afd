import { RollingWindow } from '../rolling.js';
import { directionLabel, sigmaExplanation, sigmaScore } from '../score.js';
import type { CoreResult, DetectorCore } from '../types.js';

export interface ZScoreParams {
  /** Baseline: the previous `window` samples (the current one is not part of it). */
  window: number;
  /** σ at which the score is 0.5. */
  zRef: number;
}

export const ZSCORE_DEFAULTS: ZScoreParams = { window: 1000, zRef: 3 };

/** Classic z-score against the rolling mean and standard deviation of the previous window. */
export class ZScoreCore implements DetectorCore {
  private readonly w: RollingWindow;
  private readonly p: ZScoreParams;
  private readonly warmup: number;

  constructor(p: ZScoreParams) {
    this.p = p;
    this.w = new RollingWindow(p.window);
    this.warmup = Math.min(p.window, 10);
  }

  score(x: number): CoreResult | null {
    let out: CoreResult | null = null;
    if (this.w.count >= this.warmup) {
      const m = this.w.mean();
      const s = this.w.std();
      const z = s > 0 ? (x - m) / s : x === m ? 0 : Math.sign(x - m) * Infinity;
      out = {
        score: sigmaScore(z, this.p.zRef),
        label: directionLabel(z),
        explanation: sigmaExplanation(z, 'σ', `${this.w.count}-sample mean`),
      };
    }
    this.w.push(x);
    return out;
  }

  stateBytes(): number { return this.w.stateBytes(); }
}
