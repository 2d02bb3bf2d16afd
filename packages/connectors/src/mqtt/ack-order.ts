/**
 * MQTT 3.1.1 [MQTT-4.6.0-2]: a receiver sends PUBACKs in the order it received the PUBLISHes.
 * Commits of one connection's messages run concurrently (group commit), and one may finish before
 * an earlier one (a dead letter and a batch of points can land in different groups), so each
 * message's "ready to ack" waits for its predecessors on the same connection as well as itself.
 */
export class AckOrder {
  private tail: Promise<unknown> = Promise.resolve();

  /** Resolves when `committed` and every earlier message of this connection have resolved. */
  after(committed: Promise<void>): Promise<void> {
    committed.catch(noop); // handled below; avoids an unhandled-rejection report while queued
    const ready = this.tail.then(() => committed);
    this.tail = ready.catch(noop);
    return ready;
  }

  /** Resolves when every message queued so far has been settled (acknowledged or refused). */
  idle(): Promise<void> {
    return this.tail.then(noop);
  }
}

function noop(): void {}
