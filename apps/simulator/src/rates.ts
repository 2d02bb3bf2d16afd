/** Totals with a per-second rate over a sliding window, for the simulator's live rate line. */
export class RateCounter {
  private total = 0;
  private readonly samples: Array<[number, number]> = [];

  constructor(private readonly now: () => number, private readonly windowMs = 5000) {
    // The first rate() then reports the average since creation rather than 0.
    this.samples.push([now(), 0]);
  }

  add(n = 1): void {
    this.total += n;
  }

  get count(): number {
    return this.total;
  }

  /** Per-second rate over the last window (sampled on each call). */
  rate(): number {
    const t = this.now();
    this.samples.push([t, this.total]);
    while (this.samples.length > 2 && t - this.samples[0]![0] > this.windowMs) this.samples.shift();
    const [t0, n0] = this.samples[0]!;
    return t > t0 ? ((this.total - n0) * 1000) / (t - t0) : 0;
  }
}
