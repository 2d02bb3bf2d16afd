/**
 * Detects a device whose clock is off and the offset to correct it by. A device that is off by a
 * steady amount shows a steady (receive time − device time) for as long as it reports; a device
 * replaying a backlog after an outage shows offsets that vary, or arrive all at once. So we correct
 * only when the median offset exceeds the threshold, the offsets agree (small median absolute
 * deviation), AND the observations span at least `minSpanMs` of gateway time.
 */
export interface ClockSkewOptions {
  correct: boolean;
  /** Offsets smaller than this are normal network/processing delay. */
  thresholdMs: number;
  /** Offsets remembered per device. */
  window: number;
  /** Gateway time the remembered observations must span before a correction is trusted. */
  minSpanMs?: number;
}

interface DeviceClock { offsets: number[]; seenAt: number[]; next: number; correction: number }

export class ClockSkewTracker {
  private readonly devices = new Map<string, DeviceClock>();
  private static readonly MAX_DEVICES = 100_000;

  constructor(private readonly opts: ClockSkewOptions) {}

  /** Record one observation and return the correction (ms to add to the device's timestamps). */
  observe(device: string, deviceTs: number, receivedAt: number): number {
    if (!this.opts.correct) return 0;
    let d = this.devices.get(device);
    if (!d) {
      if (this.devices.size >= ClockSkewTracker.MAX_DEVICES) this.devices.clear();
      d = { offsets: [], seenAt: [], next: 0, correction: 0 };
      this.devices.set(device, d);
    }
    const off = receivedAt - deviceTs;
    if (d.offsets.length < this.opts.window) { d.offsets.push(off); d.seenAt.push(receivedAt); }
    else { d.offsets[d.next] = off; d.seenAt[d.next] = receivedAt; }
    d.next = (d.next + 1) % this.opts.window;
    // Re-estimate every few samples: sorting a small window is cheap but not free per point.
    if (d.offsets.length >= Math.min(5, this.opts.window) && d.next % 5 === 0) {
      d.correction = spanOf(d.seenAt) >= (this.opts.minSpanMs ?? 10_000) ? estimate(d.offsets, this.opts.thresholdMs) : 0;
    }
    return d.correction;
  }

  /** Devices currently being corrected, with their offsets (for status and logs). */
  corrections(): Record<string, number> {
    const out: Record<string, number> = {};
    for (const [dev, d] of this.devices) if (d.correction !== 0) out[dev] = d.correction;
    return out;
  }
}

function estimate(offsets: number[], thresholdMs: number): number {
  const sorted = offsets.slice().sort((a, b) => a - b);
  const median = sorted[sorted.length >> 1]!;
  if (Math.abs(median) < thresholdMs) return 0;
  const dev = sorted.map((o) => Math.abs(o - median)).sort((a, b) => a - b);
  const mad = dev[dev.length >> 1]!;
  return mad <= Math.max(250, thresholdMs / 4) ? median : 0;
}

function spanOf(times: number[]): number {
  let lo = Infinity, hi = -Infinity;
  for (const t of times) { if (t < lo) lo = t; if (t > hi) hi = t; }
  return hi - lo;
}
