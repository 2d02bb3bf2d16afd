import { OutpostError } from '@outpost/contract';

/**
 * In-process work queue between ingest and the writer: requests return once the batch is
 * archived and queued; one consumer drains jobs in order, taking several at a time so the
 * writer commits large transactions. Bounded: when full, `push` refuses (the caller answers
 * 503 and the client retries) instead of growing without limit. NATS JetStream replaces it at scale.
 */
export class WorkQueue<T> {
  private readonly items: T[] = [];
  private running = false;
  private idle: Array<() => void> = [];

  constructor(private readonly consume: (jobs: T[]) => Promise<void>, private readonly opts: { maxLength: number; maxTake: number }) {}

  get length(): number { return this.items.length; }

  push(job: T): void {
    if (this.items.length >= this.opts.maxLength) {
      throw new OutpostError('ERR_STORE_WRITE', `ingest queue is full (${this.opts.maxLength} batches waiting); retry shortly`);
    }
    this.items.push(job);
    if (!this.running) void this.drain();
  }

  /** Resolves when every queued job has been consumed (shutdown, tests). */
  async drained(): Promise<void> {
    if (!this.running && this.items.length === 0) return;
    await new Promise<void>((r) => this.idle.push(r));
  }

  private async drain(): Promise<void> {
    this.running = true;
    while (this.items.length > 0) {
      const jobs = this.items.splice(0, this.opts.maxTake);
      // The consumer records failures per job (batch status); a throw here must not stop the queue.
      await this.consume(jobs).catch(() => undefined);
    }
    this.running = false;
    const waiters = this.idle;
    this.idle = [];
    for (const w of waiters) w();
  }
}
