import type { BackoffConfig } from './config.js';

/**
 * Exponential reconnect backoff with jitter: attempt n waits min(maxMs, minMs * factor^n),
 * reduced by a random fraction up to `jitter`, so a fleet of pollers that lost the same
 * server do not reconnect in lock-step. `random` is injectable for deterministic tests.
 */
export class Backoff {
  private attempt = 0;

  constructor(private readonly cfg: BackoffConfig, private readonly random: () => number = Math.random) {}

  /** Delay before the next attempt, in ms; each call counts one failed attempt. */
  next(): number {
    const base = Math.min(this.cfg.maxMs, this.cfg.minMs * this.cfg.factor ** this.attempt);
    this.attempt++;
    return Math.max(1, Math.round(base * (1 - this.cfg.jitter * this.random())));
  }

  /** After a successful connect: start again from minMs. */
  reset(): void {
    this.attempt = 0;
  }

  get attempts(): number {
    return this.attempt;
  }
}
