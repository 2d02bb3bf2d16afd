import { silentLogger, type Logger } from '@outpost/contract';
import { Backoff } from './backoff.js';
import type { BuiltBody, OutboxItemRow, StoredBatch } from './outbox/batches.js';
import type { Outbox } from './outbox/outbox.js';
import type { HttpSender, SendResult } from './sender.js';

export type LinkState = 'unknown' | 'up' | 'down';

export interface DrainOptions {
  outbox: Outbox;
  sender: Pick<HttpSender, 'send' | 'probe'>;
  build: (seq: number, items: OutboxItemRow[]) => BuiltBody;
  batch: { minPoints: number; maxPoints: number; maxBytes: number };
  /** Wait this long for a small batch to fill before sending it. */
  lingerMs: number;
  backoff: { minMs: number; maxMs: number };
  /** While idle and up, probe the hub this often so link state stays true. */
  probeIntervalMs: number;
  /** Optional cap on wire bytes per second (metered links). */
  rateLimitBytesPerS?: number | undefined;
  logger?: Logger;
  now?: () => number;
  random?: () => number;
}

export interface DrainStats {
  link: { state: LinkState; since: number; lastError: string | null; lastErrorAt: number | null; consecutiveFailures: number; lastProbeAt: number | null; linkUpAt: number | null; firstDeliveryAfterUpAt: number | null };
  delivered: { batches: number; points: number; wireBytes: number; duplicates: number; lastAt: number | null };
  deadLettered: number;
  batchPoints: number;
  drainPointsPerS: number;
}

const RATE_WINDOW_MS = 10_000;

/**
 * The drain scheduler: one batch in flight at a time (so the hub sees sequence numbers in order
 * and memory stays bounded by one batch), priority order from the outbox, backoff with jitter
 * and a probe while the link is down, and batches that grow while behind and shrink on trouble.
 */
export class DrainLoop {
  private readonly o: DrainOptions;
  private readonly now: () => number;
  private readonly logger: Logger;
  private readonly backoff: Backoff;
  private readonly stopCtl = new AbortController();
  private wakeUp: (() => void) | undefined;
  private running: Promise<void> | undefined;
  private readonly rateWindow: Array<{ at: number; points: number }> = [];
  private readonly s: DrainStats;
  private unsubscribe: (() => void) | undefined;

  constructor(o: DrainOptions) {
    this.o = o;
    this.now = o.now ?? Date.now;
    this.logger = o.logger ?? silentLogger;
    this.backoff = new Backoff(o.backoff.minMs, o.backoff.maxMs, o.random);
    this.s = {
      link: { state: 'unknown', since: this.now(), lastError: null, lastErrorAt: null, consecutiveFailures: 0, lastProbeAt: null, linkUpAt: null, firstDeliveryAfterUpAt: null },
      delivered: { batches: 0, points: 0, wireBytes: 0, duplicates: 0, lastAt: null },
      deadLettered: 0,
      batchPoints: o.batch.minPoints,
      drainPointsPerS: 0,
    };
  }

  start(): void {
    if (this.running) return;
    this.unsubscribe = this.o.outbox.onEnqueue(() => this.wake());
    this.running = this.loop().catch((e: unknown) => this.logger.error({ err: e }, 'uplink drain loop stopped on an unexpected error'));
  }

  async stop(): Promise<void> {
    this.unsubscribe?.();
    this.stopCtl.abort();
    this.wake();
    await this.running;
  }

  wake(): void {
    const w = this.wakeUp;
    this.wakeUp = undefined;
    w?.();
  }

  stats(): DrainStats {
    const cutoff = this.now() - RATE_WINDOW_MS;
    while (this.rateWindow.length > 0 && this.rateWindow[0]!.at < cutoff) this.rateWindow.shift();
    const points = this.rateWindow.reduce((a, r) => a + r.points, 0);
    this.s.drainPointsPerS = Math.round(points / (RATE_WINDOW_MS / 1000));
    return structuredClone(this.s);
  }

  private get stopped(): boolean {
    return this.stopCtl.signal.aborted;
  }

  private async loop(): Promise<void> {
    while (!this.stopped) {
      if (this.s.link.state !== 'up') {
        if (this.s.link.state === 'down') {
          await this.sleep(this.backoff.next());
          // TTLs and the age limit keep running while offline.
          this.o.outbox.expire();
        }
        if (this.stopped) return;
        if (!(await this.probe())) continue;
      }
      let batch = this.o.outbox.batches.open();
      if (!batch) {
        if (this.o.lingerMs > 0 && this.o.outbox.used < this.o.batch.maxBytes && this.pendingPointsBelow(this.s.batchPoints)) await this.sleep(this.o.lingerMs);
        batch = this.o.outbox.batches.assign({ maxPoints: this.s.batchPoints, maxBytes: this.o.batch.maxBytes }, this.o.build);
      }
      if (!batch) {
        const woke = await this.idle(this.o.probeIntervalMs);
        if (!woke && !this.stopped) await this.probe();
        continue;
      }
      const r = await this.o.sender.send(batch, this.stopCtl.signal);
      if (this.stopped && r.outcome !== 'delivered') return;
      this.settle(batch, r);
      if (this.o.rateLimitBytesPerS && r.outcome === 'delivered') await this.sleep((batch.body.length / this.o.rateLimitBytesPerS) * 1000);
    }
  }

  private settle(batch: StoredBatch, r: SendResult): void {
    const { batch: lim } = this.o;
    switch (r.outcome) {
      case 'delivered': {
        this.o.outbox.batches.ack(batch.seq);
        const at = this.now();
        const d = this.s.delivered;
        d.batches++; d.points += batch.points; d.wireBytes += batch.body.length; d.lastAt = at;
        this.s.link.firstDeliveryAfterUpAt ??= at;
        if (r.ack.result === 'duplicate') d.duplicates++;
        this.rateWindow.push({ at, points: batch.points });
        this.s.link.consecutiveFailures = 0;
        this.backoff.reset();
        // Behind (the batch came out full): double it; bigger batches cost fewer round trips.
        if (batch.points >= this.s.batchPoints) this.s.batchPoints = Math.min(lim.maxPoints, this.s.batchPoints * 2);
        return;
      }
      case 'invalid':
        this.o.outbox.batches.deadLetter(batch.seq, r.status, r.code, r.reason);
        this.s.deadLettered++;
        this.logger.error({ seq: batch.seq, code: r.code, reason: r.reason, points: batch.points }, 'the hub rejected an uplink batch as invalid; it is in the uplink dead-letter table');
        return;
      case 'too_large':
        this.o.outbox.batches.release(batch.seq);
        this.s.batchPoints = Math.max(lim.minPoints, Math.floor(this.s.batchPoints / 2));
        if (batch.items <= 1) {
          // One item alone is too large for the hub: nothing smaller can be built from it.
          this.logger.error({ seq: batch.seq, reason: r.reason }, 'an outbox item is larger than the hub accepts');
        }
        this.fail(`hub refused batch ${batch.seq} as too large: ${r.reason}`);
        return;
      case 'retry':
        if (/timed out/.test(r.reason)) this.s.batchPoints = Math.max(lim.minPoints, Math.floor(this.s.batchPoints / 2));
        this.fail(r.reason);
        return;
    }
  }

  private fail(reason: string): void {
    const l = this.s.link;
    l.lastError = reason;
    l.lastErrorAt = this.now();
    l.consecutiveFailures++;
    if (l.state !== 'down') {
      this.logger.warn({ reason }, 'uplink down; retrying with backoff');
      l.state = 'down';
      l.since = this.now();
    }
  }

  private async probe(): Promise<boolean> {
    this.s.link.lastProbeAt = this.now();
    const p = await this.o.sender.probe(this.stopCtl.signal);
    if (!p.ok) {
      this.fail(p.reason ?? 'probe failed');
      return false;
    }
    if (this.s.link.state !== 'up') {
      this.logger.info({ downForMs: this.now() - this.s.link.since }, 'uplink up');
      this.s.link.state = 'up';
      this.s.link.since = this.now();
      this.s.link.linkUpAt = this.now();
      this.s.link.firstDeliveryAfterUpAt = null;
    }
    // The backoff is reset by a delivered batch, not by a good probe: a hub that answers probes but
    // fails every batch must still see growing delays.
    return true;
  }

  private pendingPointsBelow(n: number): boolean {
    const row = this.o.outbox.db.prepare('SELECT COALESCE(SUM(points), 0) AS p, COUNT(*) AS c FROM (SELECT points FROM outbox WHERE batch IS NULL LIMIT ?)').get(n) as { p: number; c: number };
    return row.p < n && row.c < n;
  }

  /** Wait for an enqueue or `ms`; true when woken by an enqueue. */
  private idle(ms: number): Promise<boolean> {
    return new Promise((resolve) => {
      const t = setTimeout(() => { this.wakeUp = undefined; resolve(false); }, ms);
      this.wakeUp = () => { clearTimeout(t); resolve(true); };
      if (this.stopped) this.wake();
    });
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      if (this.stopped) return resolve();
      const onAbort = () => { clearTimeout(t); resolve(); };
      const t = setTimeout(() => { this.stopCtl.signal.removeEventListener('abort', onAbort); resolve(); }, ms);
      this.stopCtl.signal.addEventListener('abort', onAbort, { once: true });
    });
  }
}
