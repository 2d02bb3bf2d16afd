/**
 * Usage statistics of one script or processor version: invocations, errors, average and p95
 * execution time. p95 comes from the most recent durations (a ring of 1024) so memory stays
 * bounded on a gateway that runs for months; the average covers every call.
 */
export interface UsageSnapshot {
  invocations: number;
  errors: number;
  avgMs: number;
  p95Ms: number;
}

const RING = 1024;

export class UsageStats {
  private invocations = 0;
  private errors = 0;
  private totalMs = 0;
  private readonly recent = new Float64Array(RING);
  private filled = 0;
  private next = 0;

  record(durationMs: number, ok: boolean): void {
    this.invocations++;
    if (!ok) this.errors++;
    this.totalMs += durationMs;
    this.recent[this.next] = durationMs;
    this.next = (this.next + 1) % RING;
    if (this.filled < RING) this.filled++;
  }

  snapshot(): UsageSnapshot {
    const sorted = Array.from(this.recent.subarray(0, this.filled)).sort((a, b) => a - b);
    // Nearest-rank p95: the smallest duration at or above 95 % of the calls.
    const p95 = sorted.length === 0 ? 0 : (sorted[Math.ceil(0.95 * sorted.length) - 1] as number);
    return {
      invocations: this.invocations,
      errors: this.errors,
      avgMs: this.invocations === 0 ? 0 : this.totalMs / this.invocations,
      p95Ms: p95,
    };
  }
}
