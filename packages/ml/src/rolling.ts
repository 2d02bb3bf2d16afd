/**
 * Count-based rolling windows over the last `size` values, updated in O(1) (sums) or O(size)
 * memmove (sorted copy for median and quantiles). Sums are recomputed from the buffer every
 * `size` pushes so that floating-point drift of add/subtract cannot accumulate.
 */
export class RollingWindow {
  readonly size: number;
  private readonly buf: Float64Array;
  private head = 0;
  private n = 0;
  private sum = 0;
  private sumSq = 0;
  private sinceRecompute = 0;

  constructor(size: number) {
    if (!Number.isInteger(size) || size < 2) throw new RangeError(`window size must be an integer >= 2, got ${size}`);
    this.size = size;
    this.buf = new Float64Array(size);
  }

  get count(): number { return this.n; }
  get full(): boolean { return this.n === this.size; }

  /** Adds x; returns the value that fell out of the window, or NaN if none did. */
  push(x: number): number {
    let out = NaN;
    if (this.n === this.size) {
      out = this.buf[this.head]!;
      this.sum -= out;
      this.sumSq -= out * out;
    } else {
      this.n++;
    }
    this.buf[this.head] = x;
    this.head = (this.head + 1) % this.size;
    this.sum += x;
    this.sumSq += x * x;
    if (++this.sinceRecompute >= this.size) this.recompute();
    return out;
  }

  private recompute(): void {
    let s = 0;
    let q = 0;
    for (let i = 0; i < this.n; i++) { const v = this.buf[i]!; s += v; q += v * v; }
    this.sum = s;
    this.sumSq = q;
    this.sinceRecompute = 0;
  }

  /** i = 0 is the oldest value in the window, count-1 the newest. */
  at(i: number): number {
    const start = this.n === this.size ? this.head : 0;
    return this.buf[(start + i) % this.size]!;
  }

  newest(): number { return this.n === 0 ? NaN : this.at(this.n - 1); }

  mean(): number { return this.n === 0 ? NaN : this.sum / this.n; }

  /** Population standard deviation (0 for a constant window). */
  std(): number {
    if (this.n === 0) return NaN;
    const m = this.sum / this.n;
    const v = this.sumSq / this.n - m * m;
    return v > 0 ? Math.sqrt(v) : 0;
  }

  /** Least-squares slope per sample over the window (0 with fewer than 2 values). */
  slope(): number {
    const n = this.n;
    if (n < 2) return 0;
    const mx = (n - 1) / 2;
    const my = this.sum / n;
    let sxy = 0;
    let sxx = 0;
    for (let i = 0; i < n; i++) { const dx = i - mx; sxy += dx * (this.at(i) - my); sxx += dx * dx; }
    return sxy / sxx;
  }

  min(): number { let m = Infinity; for (let i = 0; i < this.n; i++) m = Math.min(m, this.buf[i]!); return m; }
  max(): number { let m = -Infinity; for (let i = 0; i < this.n; i++) m = Math.max(m, this.buf[i]!); return m; }

  values(): number[] { return Array.from({ length: this.n }, (_, i) => this.at(i)); }

  stateBytes(): number { return this.buf.byteLength + 7 * 8; }
}

/** The same window kept sorted too, for median, quantiles and MAD. */
export class SortedWindow {
  private readonly ring: RollingWindow;
  private readonly sorted: Float64Array;

  constructor(size: number) {
    this.ring = new RollingWindow(size);
    this.sorted = new Float64Array(size);
  }

  get count(): number { return this.ring.count; }
  get full(): boolean { return this.ring.full; }
  get window(): RollingWindow { return this.ring; }

  push(x: number): void {
    const n = this.ring.count;
    const out = this.ring.push(x);
    let len = n;
    if (!Number.isNaN(out)) {
      const i = lowerBound(this.sorted, len, out);
      this.sorted.copyWithin(i, i + 1, len);
      len--;
    }
    const j = lowerBound(this.sorted, len, x);
    this.sorted.copyWithin(j + 1, j, len);
    this.sorted[j] = x;
  }

  /** Linear-interpolated quantile, q in [0, 1]. */
  quantile(q: number): number {
    const n = this.ring.count;
    if (n === 0) return NaN;
    const pos = q * (n - 1);
    const lo = Math.floor(pos);
    const hi = Math.min(n - 1, lo + 1);
    const f = pos - lo;
    return this.sorted[lo]! * (1 - f) + this.sorted[hi]! * f;
  }

  median(): number { return this.quantile(0.5); }

  /** Fraction of window values strictly below x and at most x: [below, atMost] / count. */
  rank(x: number): [number, number] {
    const n = this.ring.count;
    if (n === 0) return [NaN, NaN];
    return [lowerBound(this.sorted, n, x) / n, upperBound(this.sorted, n, x) / n];
  }

  min(): number { return this.ring.count === 0 ? NaN : this.sorted[0]!; }
  max(): number { return this.ring.count === 0 ? NaN : this.sorted[this.ring.count - 1]!; }

  /** Median absolute deviation from the median, O(n) two-pointer merge over the sorted copy. */
  mad(): number {
    const n = this.ring.count;
    if (n === 0) return NaN;
    const med = this.median();
    // Deviations left of the median and right of it are each sorted; merge to the middle one.
    let l = lowerBound(this.sorted, n, med) - 1;
    let r = l + 1;
    const target = (n - 1) / 2;
    let k = 0;
    let prev = 0;
    let cur = 0;
    while (k <= Math.ceil(target)) {
      const dl = l >= 0 ? med - this.sorted[l]! : Infinity;
      const dr = r < n ? this.sorted[r]! - med : Infinity;
      prev = cur;
      if (dl <= dr) { cur = dl; l--; } else { cur = dr; r++; }
      k++;
    }
    return Number.isInteger(target) ? cur : (prev + cur) / 2;
  }

  /** Distance from x to the nearest value in the window (Infinity when empty), O(log n). */
  nearest(x: number): number {
    const n = this.ring.count;
    const j = lowerBound(this.sorted, n, x);
    const right = j < n ? this.sorted[j]! - x : Infinity;
    const left = j > 0 ? x - this.sorted[j - 1]! : Infinity;
    return Math.min(left, right);
  }

  stateBytes(): number { return this.ring.stateBytes() + this.sorted.byteLength; }
}

/**
 * Maximum of the values recorded over the last `span` steps of an external counter (sliding-window
 * maximum, monotonic deque): state grows with the recorded values that can still be the maximum,
 * not with the span, so sparse events (e.g. missingness) cost a few entries, not `span` slots.
 */
export class RecentMax {
  readonly span: number;
  private readonly at: number[] = [];
  private readonly vals: number[] = [];

  constructor(span: number) {
    if (!Number.isInteger(span) || span < 1) throw new RangeError(`span must be an integer >= 1, got ${span}`);
    this.span = span;
  }

  /** Largest value recorded at steps in [now − span, now), or −Infinity if none. */
  max(now: number): number {
    while (this.at.length > 0 && this.at[0]! < now - this.span) { this.at.shift(); this.vals.shift(); }
    return this.vals.length > 0 ? this.vals[0]! : -Infinity;
  }

  /** Records x at step `now` (steps must not decrease); older values ≤ x can never be the max again. */
  push(now: number, x: number): void {
    while (this.vals.length > 0 && this.vals[this.vals.length - 1]! <= x) { this.at.pop(); this.vals.pop(); }
    this.at.push(now);
    this.vals.push(x);
  }

  stateBytes(): number { return 16 * this.vals.length + 16; }
}

function lowerBound(a: Float64Array, len: number, x: number): number {
  let lo = 0;
  let hi = len;
  while (lo < hi) { const mid = (lo + hi) >>> 1; if (a[mid]! < x) lo = mid + 1; else hi = mid; }
  return lo;
}

function upperBound(a: Float64Array, len: number, x: number): number {
  let lo = 0;
  let hi = len;
  while (lo < hi) { const mid = (lo + hi) >>> 1; if (a[mid]! <= x) lo = mid + 1; else hi = mid; }
  return lo;
}
