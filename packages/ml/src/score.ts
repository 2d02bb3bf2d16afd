import type { AnomalyLabel } from './types.js';

/**
 * Maps a deviation measured in σ-like units to [0, 1]: |z| / (|z| + ref). A deviation of exactly
 * `ref` scores 0.5, so a fixed threshold of 0.5 means "ref σ"; the curve keeps rising (no early
 * saturation), which keeps large and huge deviations apart when thresholds are swept.
 */
export function sigmaScore(z: number, ref: number): number {
  const a = Math.abs(z);
  if (!Number.isFinite(a)) return 1;
  return a / (a + ref);
}

export function directionLabel(z: number): AnomalyLabel {
  return z >= 0 ? 'spike' : 'drop';
}

/** "3.4σ above the 60-sample baseline" */
export function sigmaExplanation(z: number, unit: string, baseline: string): string {
  const a = Math.abs(z);
  const shown = Number.isFinite(a) ? (a >= 100 ? a.toFixed(0) : a.toFixed(1)) : '∞';
  return `value ${shown}${unit} ${z >= 0 ? 'above' : 'below'} the ${baseline}`;
}

export function clamp01(x: number): number {
  return x < 0 ? 0 : x > 1 ? 1 : Number.isNaN(x) ? 0 : x;
}
