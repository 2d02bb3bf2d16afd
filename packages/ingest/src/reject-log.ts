import type { Logger, Reject, RejectReason } from '@outpost/contract';

/**
 * Counts rejects per reason and logs each reason at most once per interval — the first
 * occurrence with its message, then a summary of how many followed — so a device sending garbage
 * at 10k msgs/s cannot flood the log.
 */
export class RejectLog {
  readonly counts: Partial<Record<RejectReason, number>> = {};
  private readonly lastLogged = new Map<RejectReason, { at: number; suppressed: number }>();

  constructor(private readonly logger: Logger, private readonly intervalMs: number, private readonly clock: () => number) {}

  record(r: Reject, source: string, origin: string): void {
    this.counts[r.reason] = (this.counts[r.reason] ?? 0) + 1;
    const now = this.clock();
    const last = this.lastLogged.get(r.reason);
    if (last && now - last.at < this.intervalMs) {
      last.suppressed++;
      return;
    }
    const suppressed = last?.suppressed ?? 0;
    this.lastLogged.set(r.reason, { at: now, suppressed: 0 });
    this.logger.warn(
      { reason: r.reason, source, origin, device: r.device, metric: r.metric, suppressedSinceLastLog: suppressed, total: this.counts[r.reason] },
      `rejected input: ${r.message}`,
    );
  }

  total(): number {
    let n = 0;
    for (const v of Object.values(this.counts)) n += v ?? 0;
    return n;
  }
}
