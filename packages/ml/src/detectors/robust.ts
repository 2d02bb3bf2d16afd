import { SortedWindow } from '../rolling.js';
import { directionLabel, sigmaExplanation, sigmaScore } from '../score.js';
import type { CoreResult, DetectorCore } from '../types.js';

export interface RobustParams {
  window: number;
  /** 'mad': (x − median) / (1.4826·MAD). 'iqr': distance beyond the Tukey fences in IQRs. */
  method: 'mad' | 'iqr';
  /** Robust σ (or IQRs beyond the fence) at which the score is 0.5. */
  zRef: number;
  /** Tukey fence factor for 'iqr' (1.5 is Tukey's "outlier"). */
  fence: number;
}

export const ROBUST_DEFAULTS: RobustParams = { window: 120, method: 'mad', zRef: 3, fence: 1.5 };

// 1.4826·MAD estimates σ for Gaussian data; a floor keeps mostly-constant windows finite.
const MAD_TO_SIGMA = 1.4826;

/** Median/MAD (or quartile/IQR) score: a few outliers in the baseline do not mask the next. */
export class RobustCore implements DetectorCore {
  private readonly w: SortedWindow;
  private readonly p: RobustParams;
  private readonly warmup: number;

  constructor(p: RobustParams) {
    this.p = p;
    this.w = new SortedWindow(p.window);
    this.warmup = Math.min(p.window, 10);
  }

  score(x: number): CoreResult | null {
    let out: CoreResult | null = null;
    if (this.w.count >= this.warmup) out = this.p.method === 'mad' ? this.mad(x) : this.iqr(x);
    this.w.push(x);
    return out;
  }

  private mad(x: number): CoreResult {
    const med = this.w.median();
    // MAD is 0 when over half the window is one value (idle CPU, counters); fall back to std.
    const s = MAD_TO_SIGMA * this.w.mad() || this.w.window.std();
    const z = s > 0 ? (x - med) / s : x === med ? 0 : Math.sign(x - med) * Infinity;
    return {
      score: sigmaScore(z, this.p.zRef),
      label: directionLabel(z),
      explanation: sigmaExplanation(z, ' robust σ', `${this.w.count}-sample median`),
    };
  }

  private iqr(x: number): CoreResult {
    const q1 = this.w.quantile(0.25);
    const q3 = this.w.quantile(0.75);
    // IQR is 0 when over half the window is one value; fall back to the std-equivalent IQR.
    const iqr = q3 - q1 || 1.349 * this.w.window.std();
    const lo = q1 - this.p.fence * iqr;
    const hi = q3 + this.p.fence * iqr;
    const beyond = x > hi ? x - hi : x < lo ? x - lo : 0;
    const z = beyond === 0 ? 0 : iqr > 0 ? beyond / iqr : Math.sign(beyond) * Infinity;
    const shown = Number.isFinite(z) ? Math.abs(z).toFixed(1) : '∞';
    return {
      score: sigmaScore(z, this.p.zRef),
      label: directionLabel(z),
      explanation: z === 0
        ? `value inside the Tukey fences of the ${this.w.count}-sample window`
        : `value ${shown} IQR ${z > 0 ? 'above' : 'below'} the Tukey fence of the ${this.w.count}-sample window`,
    };
  }

  stateBytes(): number { return this.w.stateBytes(); }
}
