import type { RuleLimits } from '../rules/rule.js';

/**
 * Per-rule action gate: a token bucket (`actionsPerMinute`, burst of the same size) and
 * de-duplication of the same key and lifecycle change within `dedupeSeconds`. What it refuses is
 * counted, not queued, so a flapping signal or a rule raising 10k times a second costs a map
 * lookup per change and never floods a target.
 */
export class ActionGate {
  private tokens: number;
  private last: number;
  private readonly seen = new Map<string, number>();
  suppressedRate = 0;
  suppressedDuplicate = 0;

  constructor(private readonly limits: RuleLimits, now: number) {
    this.tokens = limits.actionsPerMinute;
    this.last = now;
  }

  admit(key: string, change: string, now: number): boolean {
    const dk = `${key}\u0000${change}`;
    const prev = this.seen.get(dk);
    if (prev !== undefined && now - prev < this.limits.dedupeSeconds * 1000) {
      this.suppressedDuplicate++;
      return false;
    }
    this.tokens = Math.min(this.limits.actionsPerMinute, this.tokens + ((now - this.last) * this.limits.actionsPerMinute) / 60_000);
    this.last = now;
    if (this.tokens < 1) {
      this.suppressedRate++;
      return false;
    }
    this.tokens--;
    if (this.seen.size > 10_000) this.prune(now);
    this.seen.set(dk, now);
    return true;
  }

  private prune(now: number): void {
    for (const [k, at] of this.seen) if (now - at >= this.limits.dedupeSeconds * 1000) this.seen.delete(k);
  }
}
