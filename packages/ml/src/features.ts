import { SortedWindow } from './rolling.js';

/** Rolling features of one stream over the last `size` slots (see docs/anomaly.md). */
export interface WindowFeatures {
  count: number;
  mean: number;
  std: number;
  median: number;
  mad: number;
  min: number;
  max: number;
  range: number;
  /** Least-squares slope per second over the window's values. */
  slopePerSecond: number;
  /** Missing slots (non-finite values and inferred gap samples) / all slots in the window. */
  missingRate: number;
  /** std below `stuckStd` (absolute) or relative 1e-9 of the level, with a full window. */
  stuck: boolean;
}

export interface FeatureOptions { size: number; stuckStd: number }

/**
 * Incremental features for one (device, metric). The window is the last `size` slots; a slot is
 * a received sample or a missing one (a non-finite value, or a sample a gap skipped, measured in
 * expected intervals = the median of recent intervals). Value statistics use the finite samples
 * among those slots; out-of-order timestamps are ignored.
 */
export class RollingFeatures {
  private readonly opts: FeatureOptions;
  private readonly values: SortedWindow;
  private readonly missing: Uint8Array;
  private head = 0;
  private missingCount = 0;
  private slots = 0;
  private lastTs = -Infinity;
  private dt = NaN;

  constructor(opts: Partial<FeatureOptions> = {}) {
    this.opts = { size: 60, stuckStd: 0, ...opts };
    this.values = new SortedWindow(this.opts.size);
    this.missing = new Uint8Array(this.opts.size);
  }

  /** Returns false when the sample was ignored (timestamp not after the previous one). */
  push(ts: number, value: number | null | undefined): boolean {
    if (!Number.isFinite(ts) || ts <= this.lastTs) return false;
    if (this.lastTs > -Infinity) {
      const d = ts - this.lastTs;
      if (Number.isFinite(this.dt) && d > 1.5 * this.dt) {
        const skipped = Math.min(this.opts.size, Math.round(d / this.dt) - 1);
        for (let i = 0; i < skipped; i++) this.slot(1);
      }
      // Slow-moving interval estimate: a single gap moves it only a little.
      this.dt = Number.isFinite(this.dt) ? this.dt + 0.05 * (Math.min(d, 2 * this.dt) - this.dt) : d;
    }
    this.lastTs = ts;
    const ok = typeof value === 'number' && Number.isFinite(value);
    this.slot(ok ? 0 : 1);
    if (ok) this.values.push(value);
    return true;
  }

  private slot(m: 0 | 1): void {
    if (this.slots >= this.opts.size) this.missingCount -= this.missing[this.head]!;
    else this.slots++;
    this.missing[this.head] = m;
    this.missingCount += m;
    this.head = (this.head + 1) % this.opts.size;
  }

  features(): WindowFeatures {
    const w = this.values.window;
    const min = this.values.min();
    const max = this.values.max();
    const std = w.std();
    const mean = w.mean();
    const stuckLimit = Math.max(this.opts.stuckStd, 1e-9 * Math.abs(mean));
    return {
      count: w.count,
      mean,
      std,
      median: this.values.median(),
      mad: this.values.mad(),
      min,
      max,
      range: max - min,
      slopePerSecond: Number.isFinite(this.dt) && this.dt > 0 ? w.slope() / (this.dt / 1000) : 0,
      missingRate: this.slots === 0 ? 0 : this.missingCount / this.slots,
      stuck: w.full && std <= stuckLimit,
    };
  }

  stateBytes(): number { return this.values.stateBytes() + this.missing.byteLength + 48; }
}

/** Keeps one instance of T per (device, metric) stream, created on first use. */
export class StreamMap<T> {
  private readonly map = new Map<string, T>();
  constructor(private readonly create: (device: string, metric: string) => T) {}

  get(device: string, metric: string): T {
    const key = `${device}\u0000${metric}`;
    let v = this.map.get(key);
    if (v === undefined) { v = this.create(device, metric); this.map.set(key, v); }
    return v;
  }

  get size(): number { return this.map.size; }
  delete(device: string, metric: string): boolean { return this.map.delete(`${device}\u0000${metric}`); }
  values(): IterableIterator<T> { return this.map.values(); }
  clear(): void { this.map.clear(); }
}
