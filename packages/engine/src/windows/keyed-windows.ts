/**
 * Event-time windows keyed by device and metric, shared by the aggregate operator and the rollup
 * aggregator. Tumbling windows are hopping windows with hop = size.
 *
 * - Each key has its own watermark (the newest timestamp seen for it), so a device whose clock
 *   runs behind others is not treated as late. A window is emitted once the key's watermark
 *   reaches its end; it stays in memory until end + lateness, and a late point in that time
 *   updates it and re-emits the row with revision + 1 (stores upsert on the window key).
 * - A point older than end + lateness of every window it belongs to is rejected as late.
 * - A point stamped more than `maxFutureSkewMs` ahead of the host clock (a device clock jump) is
 *   rejected rather than allowed to push the watermark — and so close every window — into the future.
 *   The reference is the later of the host clock and the newest accepted timestamp, so a host clock
 *   stepped back does not turn every device's points into rejects.
 * - `tick(now)` closes windows of keys that went quiet (no point arrived for `idleMs` of host time).
 * - At most `maxKeys` keys are held; points of further keys are rejected, so memory stays bounded.
 */
import type { Point } from '@outpost/contract';
import { Accumulator } from './accumulator.js';
import type { Rollup } from './rollup-row.js';

export interface WindowOptions {
  sizeMs: number;
  hopMs: number;
  latenessMs: number;
  maxKeys: number;
  maxFutureSkewMs: number;
  /** Percentiles to compute, q in [0, 1]; keeps the window's values when non-empty. */
  percentiles: readonly number[];
  /** Host-time quiet period after which a key's windows are closed by tick(); default = size. */
  idleMs?: number;
}

export const AddOutcome = { Ok: 0, Late: 1, KeyLimit: 2, Future: 3 } as const;
export type AddOutcome = (typeof AddOutcome)[keyof typeof AddOutcome];

/** A window is its accumulator plus emission state: one object per window keeps per-key memory small. */
class Win extends Accumulator {
  revision = 0;
  dirty = false;
  queued = false;
  constructor(readonly start: number, keepValues: boolean) { super(keepValues); }
}
interface KeyState { device: string; metric: string; unit: string | undefined; wm: number; lastArrival: number; nextCheck: number; wins: Win[] }

export class KeyedWindows {
  private readonly byDevice = new Map<string, Map<string, KeyState>>();
  private keyCount = 0;
  /**
   * Watermarks of recently forgotten keys (insertion-ordered, capped at maxKeys), so a straggler
   * for a key whose windows were closed and dropped is still recognised as late instead of
   * reopening — and overwriting — a window that was already written.
   */
  private readonly forgotten = new Map<string, number>();
  private readonly pending: { st: KeyState; win: Win }[] = [];
  private readonly idleMs: number;
  private lastTick = -Infinity;
  private maxAccepted = -Infinity;
  readonly counters = { late: 0, keyLimit: 0, future: 0, emitted: 0, revisions: 0 };

  constructor(private readonly o: WindowOptions) {
    if (!(o.sizeMs > 0) || !(o.hopMs > 0) || o.hopMs > o.sizeMs) throw new RangeError(`bad window: size ${o.sizeMs} ms, hop ${o.hopMs} ms`);
    this.idleMs = o.idleMs ?? o.sizeMs;
  }

  get keys(): number { return this.keyCount; }

  add(p: Point, now: number): AddOutcome {
    const { sizeMs, hopMs, latenessMs } = this.o;
    const ts = p.ts;
    // "Ahead" is measured from the host clock or the newest accepted timestamp, whichever is later:
    // a host clock stepped back (NTP, RTC reset) must not make every device look like it jumped ahead.
    if (ts > (now > this.maxAccepted ? now : this.maxAccepted) + this.o.maxFutureSkewMs) { this.counters.future++; return AddOutcome.Future; }
    let metrics = this.byDevice.get(p.device);
    let st = metrics?.get(p.metric);
    if (st === undefined) {
      if (this.keyCount >= this.o.maxKeys) { this.counters.keyLimit++; return AddOutcome.KeyLimit; }
      if (metrics === undefined) this.byDevice.set(p.device, (metrics = new Map()));
      const fkey = `${p.device}\u0000${p.metric}`;
      const oldWm = this.forgotten.get(fkey);
      if (oldWm !== undefined) this.forgotten.delete(fkey);
      st = { device: p.device, metric: p.metric, unit: p.unit, wm: oldWm ?? -Infinity, lastArrival: now, nextCheck: Infinity, wins: [] };
      metrics.set(p.metric, st);
      this.keyCount++;
    }
    const wm = st.wm;
    let accepted = false;
    for (let start = Math.floor(ts / hopMs) * hopMs; start > ts - sizeMs; start -= hopMs) {
      const end = start + sizeMs;
      if (end + latenessMs <= wm) continue; // that window is closed for good
      const win = this.window(st, start);
      win.add(ts, p.value);
      win.dirty = true;
      accepted = true;
      if (end <= wm && !win.queued) { win.queued = true; this.pending.push({ st, win }); } // late update: re-emit
    }
    if (!accepted) { this.counters.late++; return AddOutcome.Late; }
    if (ts > this.maxAccepted) this.maxAccepted = ts;
    if (p.unit !== undefined) st.unit = p.unit;
    if (now > st.lastArrival) st.lastArrival = now;
    if (ts > wm) {
      st.wm = ts;
      if (ts >= st.nextCheck) this.advance(st);
    }
    return AddOutcome.Ok;
  }

  /** Rows that became ready since the last call (closed windows and late updates). */
  drain(): Rollup[] {
    const rows: Rollup[] = [];
    for (const { st, win } of this.pending) {
      win.queued = false;
      if (!win.dirty) continue;
      win.dirty = false;
      win.revision++;
      if (win.revision > 1) this.counters.revisions++;
      this.counters.emitted++;
      rows.push(this.row(st, win));
    }
    this.pending.length = 0;
    return rows;
  }

  /**
   * Close the windows of keys that received nothing for idleMs of host time. Idleness is measured
   * by arrival (host clock), not by timestamps, so a device whose clock lags the host's is not
   * mistaken for a quiet one. Host time never goes back: an earlier `now` is ignored.
   */
  tick(now: number): void {
    if (now <= this.lastTick) return;
    this.lastTick = now;
    const { sizeMs, latenessMs } = this.o;
    for (const [device, metrics] of this.byDevice) {
      for (const [metric, st] of metrics) {
        const quiet = now - st.lastArrival;
        if (quiet < this.idleMs) continue;
        let lastEnd = -Infinity;
        for (const w of st.wins) if (w.start + sizeMs > lastEnd) lastEnd = w.start + sizeMs;
        if (lastEnd > st.wm) { st.wm = lastEnd; this.advance(st); }
        // Forget a key once nothing it could still reopen is held; its watermark is remembered.
        if (st.wins.length === 0 && quiet >= this.idleMs + sizeMs + latenessMs) {
          metrics.delete(metric);
          this.keyCount--;
          this.forgotten.set(`${device}\u0000${metric}`, st.wm);
          if (this.forgotten.size > this.o.maxKeys) this.forgotten.delete(this.forgotten.keys().next().value!);
        }
      }
      if (metrics.size === 0) this.byDevice.delete(device);
    }
  }

  /** End of a finite input: emit every open window and forget all state. */
  flushAll(): Rollup[] {
    for (const metrics of this.byDevice.values()) {
      for (const st of metrics.values()) {
        for (const win of st.wins) if (win.dirty && !win.queued) { win.queued = true; this.pending.push({ st, win }); }
        st.wins = [];
      }
    }
    this.byDevice.clear();
    this.keyCount = 0;
    return this.drain();
  }

  private window(st: KeyState, start: number): Win {
    for (const w of st.wins) if (w.start === start) return w;
    const win = new Win(start, this.o.percentiles.length > 0);
    // An array literal is allocated at its exact size; push() onto an empty array reserves 17 slots.
    if (st.wins.length === 0) st.wins = [win];
    else st.wins.push(win);
    const end = start + this.o.sizeMs;
    const check = end <= st.wm ? end + this.o.latenessMs : end;
    if (check < st.nextCheck) st.nextCheck = check;
    return win;
  }

  /** The key's watermark moved: queue windows that reached their end, drop those past lateness. */
  private advance(st: KeyState): void {
    const { sizeMs, latenessMs } = this.o;
    let next = Infinity;
    let keep = 0;
    for (const win of st.wins) {
      const end = win.start + sizeMs;
      if (end <= st.wm && win.dirty && !win.queued) { win.queued = true; this.pending.push({ st, win }); }
      if (end + latenessMs <= st.wm) continue;
      st.wins[keep++] = win;
      const check = end <= st.wm ? end + latenessMs : end;
      if (check < next) next = check;
    }
    st.wins.length = keep;
    st.nextCheck = next;
  }

  private row(st: KeyState, win: Win): Rollup {
    const a = win;
    const has = a.count > 0;
    const r: Rollup = {
      device: st.device, metric: st.metric, windowMs: this.o.sizeMs, start: win.start, end: win.start + this.o.sizeMs,
      count: a.count, gaps: a.gaps,
      sum: has ? a.sum : null, min: has ? a.min : null, max: has ? a.max : null, avg: has ? a.sum / a.count : null, stddev: a.stddev(),
      first: a.first, last: a.last, firstTs: a.first === null ? null : a.firstTs, lastTs: a.last === null ? null : a.lastTs,
      revision: win.revision,
    };
    if (st.unit !== undefined) r.unit = st.unit;
    if (this.o.percentiles.length > 0) {
      r.percentiles = {};
      for (const q of this.o.percentiles) r.percentiles[percentileName(q)] = a.percentile(q);
    }
    return r;
  }
}

export function percentileName(q: number): string {
  return `p${Math.round(q * 1e6) / 1e4}`;
}
