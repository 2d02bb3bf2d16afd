import { RollingWindow, SortedWindow } from '../rolling.js';
import type { AnomalyLabel, CoreResult, DetectorCore } from '../types.js';
import { detectPeriod } from './period.js';

/**
 * Outpost's own streaming detector ("novelty"): scores how new a value is relative to a long
 * history, both as a level and as a deviation from one season ago, and reports onsets only.
 *
 * 1. Level novelty: rank of x among the last `history` values, 1 − 2·min(tail, ½), plus how far x
 *    lies beyond the history's min/max in units of its range. Rank-based, so it needs no scale and
 *    copes with skewed, discrete and heavy-tailed metrics.
 * 2. Seasonal novelty: after `periodWarmup` samples the season is the strongest autocorrelation
 *    peak (≥ `acfMin`), if any; |x − r| with r = median of the values 1, 2 and 3 seasons ago is
 *    then ranked against the history of such differences (upper tail only), × `seasonWeight`.
 * 3. Recent-level novelty: the same rank score against only the last `recentHistory` samples,
 *    weighted by `recentWeight` < 1, so it counts only for a clear break from the recent regime.
 * 4. Isolation: a value inside the history's range but in a gap of it, i.e. far from every past
 *    value, is new too (a level between a series' usual ones, e.g. half a spike). Its novelty is
 *    the distance to the nearest past value over `isolation` × the history's 1–99 % spread, so a
 *    gap of `isolation` spreads counts like a new extreme.
 * 5. raw = max of the four; score = raw / (1 + raw), so 0.5 ≈ "at the edge of everything seen".
 * 6. Onsets only: a score is reported only if it exceeds every score of the previous `suppress`
 *    samples, otherwise 0. NAB (and operators) want the first sign of a change, not a long run.
 * 7. One alarm per episode: for `refractory` samples after a reported alarm (score ≥ 0.5, i.e. at
 *    or past the edge of everything seen) a score is reported only if it beats that alarm by
 *    `refractoryMargin`. A slowly drifting series otherwise raises an alarm at every small step
 *    past its previous extreme (onsets-only lets each through, since each is a new maximum).
 */
export interface NoveltyParams {
  history: number;
  recentHistory: number;
  recentWeight: number;
  seasonWeight: number;
  periodWarmup: number;
  acfMin: number;
  maxPeriod: number;
  suppress: number;
  /** Samples averaged to tell a sustained shift ("drift") from a single spike or drop. */
  driftWindow: number;
  warmup: number;
  /** Gap to the nearest past value, as a fraction of the 1–99 % spread, that counts as new (0 = off). */
  isolation: number;
  /** Samples after an alarm during which a new alarm must beat it by `refractoryMargin` (0 = off). */
  refractory: number;
  refractoryMargin: number;
}

/** The fixed configuration used for every stream and reported by `npm run bench:nab`. */
export const NOVELTY_DEFAULTS: NoveltyParams = {
  history: 5000, recentHistory: 1000, recentWeight: 0.6, seasonWeight: 0.7, periodWarmup: 700, acfMin: 0.3, maxPeriod: 2000,
  isolation: 0.07, suppress: 200, driftWindow: 6, warmup: 100, refractory: 100, refractoryMargin: 0.03,
};

/** Score of a value at the edge of everything seen (raw novelty 1): the alarm level. */
const ALARM = 0.5;

/** Past values needed before a gap among them means anything. */
const ISOLATION_MIN = 100;

/** The isolation result for a value that is not inside a gap (shared: scored per sample). */
const NOT_ISOLATED: Readonly<{ c: number; gap: number; spread: number }> = Object.freeze({ c: 0, gap: 0, spread: 0 });

/** Seasons looked back for the seasonal reference (median), so one odd cycle does not echo. */
const CYCLES = 3;

function levelNovelty(w: SortedWindow, x: number, twoSided: boolean): number {
  const [below, atMost] = w.rank(x);
  let s = twoSided ? 1 - 2 * Math.min(0.5, 1 - below, atMost) : below;
  const lo = w.min();
  const hi = w.max();
  const range = hi - lo;
  if (x > hi) s += range > 0 ? (x - hi) / range : 1;
  else if (twoSided && x < lo) s += range > 0 ? (lo - x) / range : 1;
  return s;
}

export class NoveltyCore implements DetectorCore {
  private readonly p: NoveltyParams;
  private readonly vals: SortedWindow;
  private readonly recentVals: SortedWindow;
  private readonly recentScores: RollingWindow;
  private readonly shortMean: RollingWindow;
  private season = 0;
  private seasonRing: Float64Array | null = null;
  private seasonDiffs: SortedWindow | null = null;
  private seasonKnown = 0;
  private n = 0;
  private lastAlarm = 0;
  private lastAlarmAt = -Infinity;

  constructor(p: NoveltyParams) {
    this.p = p;
    this.vals = new SortedWindow(p.history);
    this.recentVals = new SortedWindow(Math.max(2, p.recentHistory));
    this.recentScores = new RollingWindow(Math.max(2, p.suppress));
    this.shortMean = new RollingWindow(Math.max(2, p.driftWindow));
  }

  score(x: number): CoreResult | null {
    const p = this.p;
    this.shortMean.push(x);
    let out: CoreResult | null = null;
    let seasonRef = NaN;
    if (this.season > 0 && this.seasonRing && this.seasonDiffs) {
      seasonRef = this.seasonReference();
      const d = Math.abs(x - seasonRef);
      const cSeason = this.seasonDiffs.count >= this.season ? p.seasonWeight * levelNovelty(this.seasonDiffs, d, false) : 0;
      this.seasonDiffs.push(d);
      out = this.judge(x, cSeason, seasonRef);
    } else if (this.vals.count >= 20) {
      out = this.judge(x, 0, NaN);
    }
    this.vals.push(x);
    this.recentVals.push(x);
    if (this.n + 1 === p.periodWarmup) this.startSeason();
    if (this.seasonRing) { this.seasonRing[this.n % this.seasonRing.length] = x; this.seasonKnown++; }
    this.n++;
    return out;
  }

  private judge(x: number, cSeason: number, seasonRef: number): CoreResult {
    const cLevel = levelNovelty(this.vals, x, true);
    const cRecent = this.recentVals.count >= 20 ? this.p.recentWeight * levelNovelty(this.recentVals, x, true) : 0;
    const iso = this.isolation(x);
    const raw = Math.max(cLevel, cSeason, cRecent, iso.c);
    let score = this.n < this.p.warmup ? 0 : raw / (1 + raw);
    const recentMax = this.recentScores.count > 0 ? this.recentScores.max() : 0;
    this.recentScores.push(score);
    if (score <= recentMax) score = 0;
    if (score > 0 && this.n - this.lastAlarmAt <= this.p.refractory && score < this.lastAlarm + this.p.refractoryMargin) score = 0;
    if (score >= ALARM) { this.lastAlarm = score; this.lastAlarmAt = this.n; }
    const median = this.vals.median();
    const m = this.shortMean.mean();
    const sustained = m > this.vals.quantile(0.99) || m < this.vals.quantile(0.01);
    let label: AnomalyLabel;
    let explanation: string;
    if (iso.c > cLevel && iso.c > cSeason && iso.c > cRecent) {
      label = x >= median ? 'spike' : 'drop';
      explanation = `value in a gap of the last ${this.vals.count} samples: the nearest is ${fmt(iso.gap)} away, ${Math.round((100 * iso.gap) / iso.spread)}% of their 1–99% spread`;
    } else if (cRecent > cLevel && cRecent > cSeason) {
      label = sustained ? 'drift' : x >= this.recentVals.median() ? 'spike' : 'drop';
      explanation = `value breaks from the last ${this.recentVals.count} samples (${x >= this.recentVals.median() ? 'above' : 'below'} ${pct(Math.min(1, (cRecent / this.p.recentWeight + 1) / 2))} of them)${sustained ? ', sustained' : ''}`;
    } else if (cSeason > cLevel) {
      label = x >= seasonRef ? 'spike' : 'drop';
      explanation = `value ${x >= seasonRef ? 'above' : 'below'} its level in the last seasons (${this.season} samples each) by more than ${pct(cSeason / this.p.seasonWeight)} of past seasonal differences`;
    } else {
      label = sustained ? 'drift' : x >= median ? 'spike' : 'drop';
      explanation = `value ${x >= median ? 'higher' : 'lower'} than ${pct(Math.min(1, (cLevel + 1) / 2))} of the last ${this.vals.count} samples${sustained ? ', sustained' : ''}`;
    }
    return { score, label, explanation };
  }

  /** Isolation novelty of x inside the history's range (outside it, level novelty applies). */
  private isolation(x: number): { c: number; gap: number; spread: number } {
    const w = this.vals;
    if (this.p.isolation <= 0 || w.count < ISOLATION_MIN || !(x > w.min() && x < w.max())) return NOT_ISOLATED;
    const spread = w.quantile(0.99) - w.quantile(0.01);
    if (!(spread > 0)) return NOT_ISOLATED;
    const gap = w.nearest(x);
    return { c: gap / (this.p.isolation * spread), gap, spread };
  }

  /** Median of the values 1, 2 and 3 seasons ago that are known (one odd cycle cannot echo). */
  private seasonReference(): number {
    const ring = this.seasonRing!;
    const len = ring.length;
    const base = this.n + len;
    const a = ring[(base - this.season) % len]!;
    if (2 * this.season > this.seasonKnown) return a;
    const b = ring[(base - 2 * this.season) % len]!;
    if (3 * this.season > this.seasonKnown) return (a + b) / 2;
    const c = ring[(base - 3 * this.season) % len]!;
    return Math.max(Math.min(a, b), Math.min(Math.max(a, b), c));
  }

  private startSeason(): void {
    if (this.p.seasonWeight <= 0) return;
    const w = this.vals.window;
    const values = w.values();
    const lag = detectPeriod(values, this.p.acfMin, this.p.maxPeriod);
    if (lag === 0) return;
    this.season = lag;
    const len = lag * CYCLES;
    this.seasonRing = new Float64Array(len);
    // Seed the ring with the most recent values: slot (t mod len) holds the value at time t.
    const known = Math.min(len, values.length);
    for (let k = 0; k < known; k++) this.seasonRing[(this.n - known + 1 + k) % len] = values[values.length - known + k]!;
    this.seasonKnown = known;
    this.seasonDiffs = new SortedWindow(this.p.history);
  }

  stateBytes(): number {
    return this.vals.stateBytes() + this.recentVals.stateBytes() + this.recentScores.stateBytes() + this.shortMean.stateBytes()
      + (this.seasonRing?.byteLength ?? 0) + (this.seasonDiffs?.stateBytes() ?? 0) + 6 * 8;
  }
}

function fmt(v: number): string {
  return Number(v.toPrecision(3)).toString();
}

function pct(f: number): string {
  return `${Math.min(100, Math.round(f * 100))}%`;
}
