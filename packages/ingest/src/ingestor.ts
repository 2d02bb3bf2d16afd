import {
  OutpostError, silentLogger,
  type CommittedListener, type IngestDone, type IngestInput, type IngestOutcome, type Ingestor, type Logger, type Point, type Reject, type RejectReason,
} from '@outpost/contract';
import { LatencyHistogram } from '@outpost/contract/latency-histogram';
import type { DeadLetterInput, GatewayStore } from '@outpost/storage';
import { DEFAULT_NORMALISE, Normaliser, isReject, type NormaliseOptions } from './normalise.js';
import { RejectLog } from './reject-log.js';

export interface IngestorOptions {
  store: GatewayStore;
  normalise?: Partial<NormaliseOptions>;
  /**
   * Group commit: inputs arriving within `maxDelayMs` share one transaction (one fsync), so
   * durability costs one disk sync per batch, not per point. `maxPoints` commits early.
   */
  groupCommit?: { maxPoints?: number; maxDelayMs?: number };
  clock?: () => number;
  logger?: Logger;
  /** Each reject reason is logged at most once per interval. */
  rejectLogIntervalMs?: number;
}

export interface IngestStats {
  accepted: number;
  duplicates: number;
  rejected: Partial<Record<RejectReason, number>>;
  rejectedTotal: number;
  commits: number;
  commitFailures: number;
  lastCommitError?: string;
  /** Points waiting for the next commit. */
  pending: number;
  /** Devices whose clock is being corrected, with the correction in ms. */
  clockSkew: Record<string, number>;
  /**
   * Ingest-to-commit latency since start: from an input reaching the ingest core to its commit
   * (when its PUBACK or HTTP reply may leave). Percentiles within ±10 % (log buckets); null before the first commit.
   */
  commitLatencyMs: { count: number; p50: number | null; p99: number | null; max: number };
}

interface Waiter {
  /** Position of this input's first point in the pending batch. */
  first: number;
  /** How many of this input's points are in the batch. */
  count: number;
  /** Candidate index of each of those points, in batch order; absent when they are 0..count-1. */
  indexes: number[] | undefined;
  /** Absent until a candidate is rejected (kept small: a waiter lives until its disk sync). */
  rejects: Reject[] | undefined;
  /** performance.now() when the input reached the ingest core. */
  at: number;
  done: IngestDone;
}

/**
 * The gateway's ingest core: normalises candidates, dead-letters what it rejects, and commits
 * accepted points in groups. A promise from `ingest` resolves only after its points are on disk.
 */
export class GatewayIngestor implements Ingestor {
  private readonly store: GatewayStore;
  private readonly normaliser: Normaliser;
  private readonly rejectLog: RejectLog;
  private readonly clock: () => number;
  private readonly logger: Logger;
  private readonly maxPoints: number;
  private readonly maxDelayMs: number;
  private readonly listeners = new Set<CommittedListener>();
  private readonly acceptedListeners = new Set<CommittedListener>();
  private points: Point[] = [];
  private deadLetters: DeadLetterInput[] = [];
  private waiters: Waiter[] = [];
  private timer: NodeJS.Timeout | NodeJS.Immediate | undefined;
  /** A commit's disk sync is running (see flush). */
  private syncing = false;
  private flushDue = false;
  private closed = false;
  private counters = { accepted: 0, duplicates: 0, commits: 0, commitFailures: 0, lastCommitError: undefined as string | undefined };
  private readonly latency = new LatencyHistogram();
  private latencyMax = 0;

  constructor(opts: IngestorOptions) {
    this.store = opts.store;
    this.clock = opts.clock ?? Date.now;
    this.logger = opts.logger ?? silentLogger;
    this.normaliser = new Normaliser({ ...DEFAULT_NORMALISE, ...opts.normalise, clockSkew: { ...DEFAULT_NORMALISE.clockSkew, ...opts.normalise?.clockSkew } });
    this.rejectLog = new RejectLog(this.logger, opts.rejectLogIntervalMs ?? 10_000, this.clock);
    this.maxPoints = opts.groupCommit?.maxPoints ?? 5000;
    this.maxDelayMs = opts.groupCommit?.maxDelayMs ?? 2;
  }

  /** Called with every committed batch (duplicates excluded), after the commit. */
  onCommitted(listener: CommittedListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /**
   * Called synchronously with each input's accepted points as soon as they are validated, before
   * their group commit (alert rules: an alert need not wait for the commit nor its disk sync).
   * Points that turn out to be duplicates of stored ones are included; a commit may still fail.
   */
  onAccepted(listener: CommittedListener): () => void {
    this.acceptedListeners.add(listener);
    return () => this.acceptedListeners.delete(listener);
  }

  ingest(input: IngestInput): Promise<IngestOutcome> {
    return new Promise((resolve, reject) => this.submit(input, (err, outcome) => (err ? reject(err) : resolve(outcome!))));
  }

  submit(input: IngestInput, done: IngestDone): void {
    if (this.closed) return done(closedError());
    const at = performance.now();
    const first = this.points.length;
    let indexes: number[] | undefined;
    let rejects: Reject[] | undefined;
    const { candidates, receivedAt, defaults } = input;
    for (let i = 0; i < candidates.length; i++) {
      const r = this.normaliser.normalise(candidates[i]!, i, receivedAt, defaults);
      if (isReject(r)) {
        if (!rejects) {
          rejects = [];
          indexes = Array.from({ length: this.points.length - first }, (_, k) => k);
        }
        rejects.push(r);
        this.rejectLog.record(r, input.source, input.origin);
      } else {
        this.points.push(r);
        indexes?.push(i);
      }
    }
    const count = this.points.length - first;
    if (this.acceptedListeners.size > 0 && count > 0) this.emitAccepted(this.points.slice(first));
    if (rejects) this.deadLetters.push(deadLetterFor(input, rejects, candidates.length));
    this.enqueue({ first, count, indexes, rejects, at, done });
  }

  rejectInput(input: Omit<IngestInput, 'candidates'>, reject: Reject): Promise<void> {
    return new Promise((resolve, fail) => this.submitReject(input, reject, (err) => (err ? fail(err) : resolve())));
  }

  submitReject(input: Omit<IngestInput, 'candidates'>, reject: Reject, done: (err: Error | null) => void): void {
    if (this.closed) return done(closedError());
    this.rejectLog.record(reject, input.source, input.origin);
    this.deadLetters.push(deadLetterFor(input, [reject], 0));
    this.enqueue({ first: this.points.length, count: 0, indexes: undefined, rejects: [reject], at: performance.now(), done });
  }

  /**
   * Commit everything pending now. Unless `force`, a commit whose group is not full waits while
   * the previous commit's disk sync runs: what arrives meanwhile joins it, so each sync covers one
   * larger commit instead of several small ones (the event loop keeps decoding either way).
   */
  flush(force = true): void {
    if (this.timer !== undefined) {
      clearTimeout(this.timer as NodeJS.Timeout);
      clearImmediate(this.timer as NodeJS.Immediate);
      this.timer = undefined;
    }
    if (this.waiters.length === 0) return;
    if (!force && this.syncing && this.points.length < this.maxPoints) {
      this.flushDue = true;
      return;
    }
    this.flushDue = false;
    const points = this.points;
    const deadLetters = this.deadLetters;
    const waiters = this.waiters;
    this.points = [];
    this.deadLetters = [];
    this.waiters = [];
    let duplicates: number[];
    try {
      // syncLater: the WAL sync runs off the event loop; nothing is acknowledged before it is done.
      duplicates = this.store.commit(points, deadLetters, { syncLater: true }).duplicates;
    } catch (e) {
      this.counters.commitFailures++;
      this.counters.lastCommitError = (e as Error).message;
      this.logger.error({ err: e, points: points.length, deadLetters: deadLetters.length }, 'commit failed; inputs not acknowledged');
      const err = e instanceof Error ? e : new Error(String(e));
      for (const w of waiters) settle(w, err);
      return;
    }
    this.counters.commits++;
    let committed: Point[] = points;
    if (duplicates.length > 0) {
      const dup = new Set(duplicates);
      committed = points.filter((_, i) => !dup.has(i));
      for (const w of waiters) {
        for (let k = 0; k < w.count; k++) {
          if (!dup.has(w.first + k)) continue;
          const p = points[w.first + k]!;
          const index = w.indexes ? w.indexes[k]! : k;
          const r: Reject = { reason: 'duplicate', index, device: p.device, metric: p.metric, message: `point ${index} (${p.device}/${p.metric}): a point with the same device, metric and timestamp ${p.ts} is already stored; not stored again` };
          (w.rejects ??= []).push(r);
          this.rejectLog.counts.duplicate = (this.rejectLog.counts.duplicate ?? 0) + 1;
        }
      }
      this.counters.duplicates += duplicates.length;
    }
    // Rules and pipelines see the points as soon as they are committed; acknowledgements wait
    // until the commit is on disk.
    if (committed.length > 0) {
      for (const l of this.listeners) {
        try { l(committed); } catch (e) { this.logger.error({ err: e }, 'a committed-points listener failed'); }
      }
    }
    const accepted = committed.length;
    const pointCount = points.length; // the closures below must not keep the points alive until the sync
    const anyDuplicate = duplicates.length > 0;
    this.syncing = true;
    const synced = () => {
      this.syncing = false;
      if (this.flushDue) this.flush();
    };
    this.store.durable().then(
      () => {
        this.counters.accepted += accepted;
        const done = performance.now();
        for (const w of waiters) this.recordLatency(done - w.at);
        for (const w of waiters) settle(w, null, { accepted: anyDuplicate && w.rejects ? w.count - w.rejects.filter((r) => r.reason === 'duplicate').length : w.count, rejected: w.rejects ?? [] });
        synced();
      },
      (e: Error) => {
        this.counters.commitFailures++;
        this.counters.lastCommitError = e.message;
        this.logger.error({ err: e, points: pointCount }, 'commit not durable; inputs not acknowledged');
        for (const w of waiters) settle(w, e);
        synced();
      },
    );
  }

  private emitAccepted(points: readonly Point[]): void {
    for (const l of this.acceptedListeners) {
      try { l(points); } catch (e) { this.logger.error({ err: e }, 'an accepted-points listener failed'); }
    }
  }

  stats(): IngestStats {
    const s: IngestStats = {
      accepted: this.counters.accepted,
      duplicates: this.counters.duplicates,
      rejected: { ...this.rejectLog.counts },
      rejectedTotal: this.rejectLog.total(),
      commits: this.counters.commits,
      commitFailures: this.counters.commitFailures,
      pending: this.points.length,
      clockSkew: this.normaliser.skewCorrections(),
      commitLatencyMs: { count: this.latency.count, p50: this.latency.quantile(0.5), p99: this.latency.quantile(0.99), max: this.latencyMax },
    };
    if (this.counters.lastCommitError !== undefined) s.lastCommitError = this.counters.lastCommitError;
    return s;
  }

  /** Commit what is pending and refuse further input. */
  async close(): Promise<void> {
    this.flush();
    this.closed = true;
    // Let the last commits' acknowledgements go out (or fail) before the store closes.
    await this.store.durable().catch(() => undefined);
  }

  private recordLatency(ms: number): void {
    this.latency.record(ms);
    if (ms > this.latencyMax) this.latencyMax = ms;
  }

  private enqueue(w: Waiter): void {
    this.waiters.push(w);
    if (this.points.length >= this.maxPoints) this.flush();
    else if (this.timer === undefined) {
      this.timer = this.maxDelayMs > 0 ? setTimeout(() => this.flush(false), this.maxDelayMs) : setImmediate(() => this.flush(false));
    }
  }
}

/** A connector's callback must not break the loop that settles the rest of the group. */
function settle(w: Waiter, err: Error | null, outcome?: IngestOutcome): void {
  try {
    w.done(err, outcome);
  } catch (e) {
    queueMicrotask(() => { throw e; });
  }
}

function closedError(): OutpostError {
  return new OutpostError('ERR_STORE_CLOSED', 'the gateway is shutting down; input not accepted');
}

const MAX_DEAD_LETTER_MESSAGES = 5;

function deadLetterFor(input: Omit<IngestInput, 'candidates'>, rejects: Reject[], total: number): DeadLetterInput {
  const shown = rejects.slice(0, MAX_DEAD_LETTER_MESSAGES).map((r) => r.message);
  const more = rejects.length > shown.length ? ` … and ${rejects.length - shown.length} more` : '';
  const head = total > 0 ? `${rejects.length} of ${total} point(s) rejected: ` : '';
  return {
    at: input.receivedAt,
    source: input.source,
    origin: input.origin,
    reason: rejects[0]!.reason,
    message: `${head}${shown.join('; ')}${more}`,
    raw: input.raw,
  };
}

export function createIngestor(opts: IngestorOptions): GatewayIngestor {
  return new GatewayIngestor(opts);
}
