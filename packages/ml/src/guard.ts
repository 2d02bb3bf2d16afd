import { RecentMax } from './rolling.js';
import type { AnomalyOutput, Detector, DetectorCore, DetectorStats } from './types.js';

/** Options every detector accepts, handled here once rather than in each core. */
export interface GuardOptions {
  /** Slots (received or missing samples) over which the missing rate is measured. */
  missingWindow: number;
  /** Identical consecutive values (after the series has varied) that count as "stuck". */
  stuckRun: number;
  /**
   * Onsets only for missingness: a missingness score is reported only if it exceeds every
   * missingness score of the previous `missingSuppress` samples, otherwise 0 (0 = report all).
   */
  missingSuppress: number;
}

export const DEFAULT_GUARD: GuardOptions = { missingWindow: 60, stuckRun: 30, missingSuppress: 300 };

const INTERVAL_RING = 15;
const MISSING_BASE_ALPHA = 0.01;

/**
 * Wraps a value-only core with the time-and-quality rules shared by all detectors:
 * - a timestamp not after the previous accepted one is rejected (null, counted), nothing changes;
 * - NaN, ±Infinity, null and gaps longer than 1.5 expected intervals are missing slots; such a
 *   sample scores the missing rate over the last `missingWindow` slots, label "missingness",
 *   reported only when it beats the missingness scores of the last `missingSuppress` samples
 *   (a stream that keeps gapping raises one alarm per episode, not one per gap);
 * - a run of identical values longer than `stuckRun` and than any earlier run is "stuck";
 * - otherwise the core scores the value.
 * The expected interval is the median of the last 15 intervals, so a gap does not redefine it.
 */
export class GuardedDetector implements Detector {
  readonly kind: string;
  private readonly core: DetectorCore;
  private readonly opts: GuardOptions;
  private lastTs = -Infinity;
  private readonly intervals = new Float64Array(INTERVAL_RING);
  private nIntervals = 0;
  private expectedDt = NaN;
  private readonly missingRing: Uint8Array;
  private missingHead = 0;
  private missingInWindow = 0;
  private missingBase = 0;
  /** Missingness scores of the last `missingSuppress` accepted samples, for onsets only. */
  private readonly missScores: RecentMax | null;
  private lastValue = NaN;
  private run = 0;
  private longestRun = 0;
  private varied = false;
  private readonly counters: DetectorStats = { accepted: 0, rejectedTimestamps: 0, missing: 0, gapSamples: 0 };

  constructor(kind: string, core: DetectorCore, opts: Partial<GuardOptions> = {}) {
    this.kind = kind;
    this.core = core;
    this.opts = { ...DEFAULT_GUARD, ...opts };
    this.missingRing = new Uint8Array(this.opts.missingWindow);
    this.missScores = this.opts.missingSuppress >= 1 ? new RecentMax(this.opts.missingSuppress) : null;
  }

  update(ts: number, value: number | null | undefined): AnomalyOutput | null {
    if (!Number.isFinite(ts) || ts <= this.lastTs) {
      this.counters.rejectedTimestamps++;
      return null;
    }
    const gapSlots = this.trackInterval(ts);
    this.lastTs = ts;
    this.counters.accepted++;
    this.counters.gapSamples += gapSlots;
    for (let i = 0; i < gapSlots; i++) this.markSlot(1);
    if (typeof value !== 'number' || !Number.isFinite(value)) {
      this.counters.missing++;
      this.markSlot(1);
      return this.onset(this.missingOutput('no finite value'));
    }
    this.markSlot(0);
    const miss = gapSlots > 0 ? this.onset(this.missingOutput(`gap of ${gapSlots} sample${gapSlots > 1 ? 's' : ''}`)) : null;
    const stuck = this.trackStuck(value);
    const res = this.core.score(value);
    if (stuck !== null && (res === null || stuck.score >= res.score)) return stuck;
    if (miss !== null && (res === null || miss.score > res.score)) return miss;
    return res;
  }

  private trackInterval(ts: number): number {
    if (this.lastTs === -Infinity) return 0;
    const dt = ts - this.lastTs;
    let gap = 0;
    if (this.nIntervals >= 3 && dt > 1.5 * this.expectedDt) {
      gap = Math.min(this.opts.missingWindow, Math.round(dt / this.expectedDt) - 1);
    }
    this.intervals[this.nIntervals % INTERVAL_RING] = dt;
    this.nIntervals++;
    // Re-estimate the interval early on and then every ring's worth of samples (cheap, robust).
    if (this.nIntervals <= INTERVAL_RING || this.nIntervals % INTERVAL_RING === 0) {
      const k = Math.min(this.nIntervals, INTERVAL_RING);
      const s = Array.from(this.intervals.subarray(0, k)).sort((a, b) => a - b);
      this.expectedDt = s[k >> 1]!;
    }
    return gap;
  }

  private markSlot(missing: 0 | 1): void {
    this.missingBase += MISSING_BASE_ALPHA * (missing - this.missingBase);
    this.missingInWindow += missing - this.missingRing[this.missingHead]!;
    this.missingRing[this.missingHead] = missing;
    this.missingHead = (this.missingHead + 1) % this.missingRing.length;
  }

  /**
   * Score = how far the current missing rate exceeds this stream's usual one (an exponential
   * average over ~500 slots): a stream that always has gaps does not alarm on every gap.
   */
  private missingOutput(what: string): AnomalyOutput {
    const w = this.missingRing.length;
    const rate = this.missingInWindow / w;
    const base = Math.min(this.missingBase, 0.999);
    return {
      score: Math.max(0, rate - base) / (1 - base),
      label: 'missingness',
      explanation: `${what}; ${this.missingInWindow} of the last ${w} samples missing`,
    };
  }

  /** Zeroes a missingness score that does not beat those of the last `missingSuppress` samples. */
  private onset(out: AnomalyOutput): AnomalyOutput {
    const w = this.missScores;
    if (w === null) return out;
    const now = this.counters.accepted;
    const before = w.max(now);
    w.push(now, out.score);
    return out.score > before ? out : { ...out, score: 0 };
  }

  /**
   * A run of identical values is "stuck" once it reaches `stuckRun` samples and is longer than any
   * run this stream has shown before (metrics with coarse resolution repeat values routinely).
   * Reported once, at onset: score = 1 − longest earlier run / this run.
   */
  private trackStuck(x: number): AnomalyOutput | null {
    if (x === this.lastValue) this.run++;
    else {
      if (!Number.isNaN(this.lastValue)) this.varied = true;
      if (this.run > this.longestRun) this.longestRun = this.run;
      this.run = 1;
      this.lastValue = x;
    }
    if (!this.varied || this.run !== Math.max(this.opts.stuckRun, this.longestRun + 1)) return null;
    return {
      score: 1 - this.longestRun / this.run,
      label: 'stuck',
      explanation: `value stuck at ${x} for ${this.run} samples (longest earlier run ${this.longestRun})`,
    };
  }

  stateBytes(): number {
    return this.core.stateBytes() + this.intervals.byteLength + this.missingRing.byteLength + (this.missScores?.stateBytes() ?? 0) + 12 * 8;
  }

  stats(): DetectorStats { return { ...this.counters }; }
}
