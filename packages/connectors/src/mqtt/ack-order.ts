/**
 * MQTT 3.1.1 [MQTT-4.6.0-2]: a receiver sends PUBACKs in the order it received the PUBLISHes.
 * Commits of one connection's messages run concurrently (group commit), and one may finish before
 * an earlier one (a dead letter and a batch of points can land in different groups), so each
 * message's "ready to ack" waits for its predecessors on the same connection as well as itself.
 *
 * Callback-based: at tens of thousands of messages a second, a promise chain per message cost
 * measurable CPU and garbage (three promises and two closures each).
 */
export type Settle = (err: Error | null) => void;

interface Slot { settled: boolean; err: Error | null; ready: Settle }

export class AckOrder {
  private queue: Slot[] = [];
  private head = 0;
  private draining = false;
  private idleWaiters: (() => void)[] = [];

  /**
   * Take the next place in arrival order. Call the returned function once the message's commit
   * has settled (null, or the error); `ready` then runs after every earlier message's `ready`.
   */
  enter(ready: Settle): Settle {
    const slot: Slot = { settled: false, err: null, ready };
    this.queue.push(slot);
    return (err) => {
      if (slot.settled) return;
      slot.settled = true;
      slot.err = err;
      this.drain();
    };
  }

  /** Promise form of `enter`: resolves when `committed` and every earlier message have settled. */
  after(committed: Promise<void>): Promise<void> {
    return new Promise((resolve, reject) => {
      const settle = this.enter((err) => (err ? reject(err) : resolve()));
      committed.then(() => settle(null), (e: unknown) => settle(e instanceof Error ? e : new Error(String(e))));
    });
  }

  /** Resolves when every message queued so far has been settled (acknowledged or refused). */
  idle(): Promise<void> {
    if (this.head === this.queue.length) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  private drain(): void {
    if (this.draining) return; // a `ready` that settles another slot: the outer loop goes on
    this.draining = true;
    try {
      while (this.head < this.queue.length && this.queue[this.head]!.settled) {
        const slot = this.queue[this.head++]!;
        slot.ready(slot.err);
      }
    } finally {
      this.draining = false;
    }
    if (this.head === this.queue.length) {
      this.queue = [];
      this.head = 0;
      const waiters = this.idleWaiters;
      this.idleWaiters = [];
      for (const w of waiters) w();
    } else if (this.head >= 1024) {
      this.queue = this.queue.slice(this.head);
      this.head = 0;
    }
  }
}
