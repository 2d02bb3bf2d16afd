/**
 * The queue between a host's committed points and one running pipeline. Bounded in points: when
 * the pipeline falls behind and a batch would not fit, the whole batch is dropped and counted —
 * the points are already committed to the host's store, so ingest is never held up by a slow
 * pipeline and a dropped range can be re-run from the store (test with `replay`).
 */
import type { Point } from '@outpost/contract';
import type { BatchResult } from './executor.js';

export interface FeedStats {
  /** Points waiting for the pipeline. */
  queuedPoints: number;
  batches: number; points: number;
  /** Point errors returned by the pipeline plus batches it failed on. */
  errors: number;
  droppedPoints: number; droppedBatches: number;
}

export interface BoundedFeedOptions {
  maxQueuedPoints: number;
  /** Runs before each batch (e.g. loads lookups the engine asks for synchronously). */
  prepare?: (batch: readonly Point[]) => Promise<void>;
  /** The first drop after batches were accepted again: one report per overload, not one per batch. */
  onOverload?: (stats: FeedStats) => void;
  /** A batch the pipeline failed on as a whole (its points' errors are in the result). */
  onError?: (err: unknown) => void;
}

export class BoundedFeed {
  private readonly queue: Point[][] = [];
  private draining: Promise<void> | null = null;
  private overloaded = false;
  private readonly s: FeedStats = { queuedPoints: 0, batches: 0, points: 0, errors: 0, droppedPoints: 0, droppedBatches: 0 };

  constructor(private readonly pipeline: { process(points: readonly Point[]): Promise<BatchResult> }, private readonly opts: BoundedFeedOptions) {}

  /** Queue a batch (never blocks); false when it was dropped because the queue is full. */
  offer(points: readonly Point[]): boolean {
    if (points.length === 0) return true;
    if (this.s.queuedPoints > 0 && this.s.queuedPoints + points.length > this.opts.maxQueuedPoints) {
      this.s.droppedPoints += points.length;
      this.s.droppedBatches++;
      if (!this.overloaded) {
        this.overloaded = true;
        this.opts.onOverload?.(this.stats());
      }
      return false;
    }
    this.overloaded = false;
    this.queue.push(points as Point[]);
    this.s.queuedPoints += points.length;
    this.draining ??= this.drain();
    return true;
  }

  stats(): FeedStats { return { ...this.s }; }

  /** Resolves when the queue is empty. */
  async idle(): Promise<void> {
    while (this.draining) await this.draining;
  }

  private async drain(): Promise<void> {
    try {
      for (let batch = this.queue.shift(); batch; batch = this.queue.shift()) {
        try {
          await this.opts.prepare?.(batch);
          const r = await this.pipeline.process(batch);
          this.s.batches++;
          this.s.points += batch.length;
          this.s.errors += r.errors.length;
        } catch (e) {
          this.s.errors++;
          this.opts.onError?.(e);
        } finally {
          this.s.queuedPoints -= batch.length;
        }
      }
    } finally {
      this.draining = null;
    }
  }
}
