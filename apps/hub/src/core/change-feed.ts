/**
 * Wakes long-polling gateways when something they converge to changed in this process (config
 * versions, assignments, a device's type). Other hub processes' changes are seen at the next
 * heartbeat or poll timeout.
 */
export class ChangeFeed {
  private waiters = new Set<() => void>();

  bump(): void {
    const w = this.waiters;
    this.waiters = new Set();
    for (const f of w) f();
  }

  /** Resolves true on the next change, false after `ms`. */
  next(ms: number): Promise<boolean> {
    return new Promise((resolve) => {
      const done = () => { clearTimeout(timer); resolve(true); };
      const timer = setTimeout(() => { this.waiters.delete(done); resolve(false); }, ms);
      this.waiters.add(done);
    });
  }
}
