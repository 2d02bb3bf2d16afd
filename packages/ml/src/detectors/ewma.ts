import { directionLabel, sigmaExplanation, sigmaScore } from '../score.js';
import type { CoreResult, DetectorCore } from '../types.js';

export interface EwmaParams {
  /** Smoothing of the level: weight of the newest sample (0 < alpha < 1). */
  alpha: number;
  /** Smoothing of the residual variance. */
  beta: number;
  /** Season length in samples (e.g. 288 for daily at 5 min); 0 = no seasonal term. */
  season: number;
  /** Smoothing of each seasonal slot. */
  gamma: number;
  zRef: number;
  /** Samples before scoring starts (at least one season when seasonal). */
  warmup: number;
}

export const EWMA_DEFAULTS: EwmaParams = { alpha: 0.01, beta: 0.02, season: 0, gamma: 0.1, warmup: 30, zRef: 3 };

/**
 * Exponentially weighted baseline with an optional additive seasonal profile (Holt-Winters
 * without trend): forecast = level + seasonal[t mod season]; the residual is scored against an
 * exponentially weighted residual σ. Constant memory: a few scalars plus one slot per season step.
 */
export class EwmaCore implements DetectorCore {
  private readonly p: EwmaParams;
  private readonly seasonal: Float64Array;
  private level = NaN;
  private variance = 0;
  private n = 0;

  constructor(p: EwmaParams) {
    this.p = p;
    this.seasonal = new Float64Array(Math.max(0, p.season));
  }

  score(x: number): CoreResult | null {
    const slot = this.p.season > 0 ? this.n % this.p.season : -1;
    const seas = slot >= 0 ? this.seasonal[slot]! : 0;
    if (Number.isNaN(this.level)) this.level = x;
    const forecast = this.level + seas;
    const resid = x - forecast;
    let out: CoreResult | null = null;
    const warm = Math.max(this.p.warmup, this.p.season);
    if (this.n >= warm) {
      const s = Math.sqrt(this.variance);
      const z = s > 0 ? resid / s : resid === 0 ? 0 : Math.sign(resid) * Infinity;
      out = {
        score: sigmaScore(z, this.p.zRef),
        label: directionLabel(z),
        explanation: sigmaExplanation(z, 'σ', this.p.season > 0 ? 'seasonal EWMA forecast' : 'EWMA baseline'),
      };
    }
    // Update after scoring so the score only ever uses the past.
    this.variance = this.n === 0 ? 0 : (1 - this.p.beta) * this.variance + this.p.beta * resid * resid;
    this.level += this.p.alpha * (x - seas - this.level);
    if (slot >= 0) {
      const g = this.n < this.p.season ? 1 : this.p.gamma;
      this.seasonal[slot] = seas + g * (x - this.level - seas);
    }
    this.n++;
    return out;
  }

  stateBytes(): number { return this.seasonal.byteLength + 4 * 8; }
}
