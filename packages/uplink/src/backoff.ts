/**
 * Exponential backoff with full jitter ("Exponential Backoff and Jitter", AWS architecture
 * blog): the n-th delay is uniform in [min, min(max, min·2^n)], so a fleet that lost the hub at
 * the same moment does not come back in lock-step.
 */
export class Backoff {
  private attempt = 0;
  constructor(private readonly minMs: number, private readonly maxMs: number, private readonly random: () => number = Math.random) {}

  next(): number {
    const cap = Math.min(this.maxMs, this.minMs * 2 ** Math.min(this.attempt, 30));
    this.attempt++;
    return Math.round(this.minMs + this.random() * (cap - this.minMs));
  }

  reset(): void {
    this.attempt = 0;
  }

  get attempts(): number {
    return this.attempt;
  }
}
