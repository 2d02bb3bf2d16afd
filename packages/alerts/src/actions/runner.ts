import type { Logger } from '@outpost/contract';
import type { AlertChange } from '../lifecycle/alert-store.js';
import type { DeliverySink } from './delivery-log.js';
import { PermanentFailure, type Executor } from './executors.js';

export interface RetryPolicy { maxAttempts: number; baseMs: number; maxMs: number }
interface Job { change: AlertChange; attempt: number }

export interface ActionStats { ok: number; failed: number; retries: number; dropped: number; pending: number }

/**
 * One action of one rule: a bounded queue drained one job at a time, so a slow or dead target
 * (a hung webhook, a Modbus device that is down) holds up only its own queue, never evaluation
 * or other actions. Failed attempts retry with exponential backoff (base × 2^n, capped, with
 * jitter); every attempt lands in the delivery log. A full queue drops the oldest job (logged).
 */
export class ActionQueue {
  private readonly queue: Job[] = [];
  private busy = false;
  private closed = false;
  private timer: NodeJS.Timeout | undefined;
  readonly stats: ActionStats = { ok: 0, failed: 0, retries: 0, dropped: 0, pending: 0 };

  constructor(
    private readonly rule: string,
    private readonly type: string,
    private readonly exec: Executor,
    private readonly retry: RetryPolicy,
    private readonly log: DeliverySink,
    private readonly logger: Logger,
    private readonly now: () => number,
    private readonly maxPending = 1000,
  ) {}

  submit(change: AlertChange): void {
    if (this.closed) return;
    if (this.queue.length >= this.maxPending) {
      const old = this.queue.shift()!;
      this.stats.dropped++;
      this.entry(old, 'dropped', undefined, `queue full (${this.maxPending} pending)`);
    }
    this.queue.push({ change, attempt: 1 });
    this.stats.pending = this.queue.length;
    if (!this.busy && !this.timer) void this.pump();
  }

  /** Resolves when the queue is empty and nothing is in flight (tests, shutdown). */
  idle(): boolean {
    return this.queue.length === 0 && !this.busy && !this.timer;
  }

  close(): void {
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.queue.length = 0;
  }

  private async pump(): Promise<void> {
    this.busy = true;
    while (!this.closed && this.queue.length > 0) {
      const job = this.queue[0]!;
      try {
        const r = await this.exec.run(job.change);
        this.queue.shift();
        this.stats.ok++;
        this.entry(job, 'ok', r.status, r.detail);
      } catch (e) {
        const err = e as Error & { status?: number };
        const permanent = e instanceof PermanentFailure;
        if (permanent || job.attempt >= this.retry.maxAttempts) {
          this.queue.shift();
          this.stats.failed++;
          this.entry(job, 'failed', err.status, err.message);
          this.logger.warn({ rule: this.rule, action: this.type, target: this.exec.target, attempt: job.attempt, err: err.message }, `alert action ${this.type} for rule ${this.rule} failed${permanent ? '' : ` after ${job.attempt} attempts`}`);
          continue;
        }
        this.stats.retries++;
        this.entry(job, 'retry', err.status, err.message);
        const delay = Math.min(this.retry.maxMs, this.retry.baseMs * 2 ** (job.attempt - 1)) * (0.8 + Math.random() * 0.4);
        job.attempt++;
        this.busy = false;
        this.timer = setTimeout(() => { this.timer = undefined; void this.pump(); }, delay);
        this.timer.unref();
        return;
      }
    }
    this.stats.pending = this.queue.length;
    this.busy = false;
  }

  private entry(job: Job, outcome: 'ok' | 'retry' | 'failed' | 'dropped', status?: number, detail?: string): void {
    this.stats.pending = this.queue.length;
    try {
      this.log.record({ at: this.now(), alertId: job.change.alert.id, rule: this.rule, action: this.type, target: this.exec.target, attempt: job.attempt, outcome, status, detail });
    } catch (e) {
      this.logger.error({ err: e }, 'writing the alert delivery log failed');
    }
  }
}

