/** The gateway status fields the rate line reads (a subset of the gateway's `stats()`). */
export interface GatewayStats {
  ingest: { accepted: number; rejectedTotal: number };
  store: { usedBytes: number };
}

export interface RateSample {
  at: number;
  accepted: number;
  rejected: number;
}

/** Per-second rates between two samples of the gateway's cumulative counters. */
export function rates(prev: RateSample, cur: RateSample): { accepted: number; rejected: number } {
  const secs = Math.max((cur.at - prev.at) / 1000, 1e-3);
  return { accepted: (cur.accepted - prev.accepted) / secs, rejected: (cur.rejected - prev.rejected) / secs };
}

export function sampleOf(stats: GatewayStats, at: number): RateSample {
  return { at, accepted: stats.ingest.accepted, rejected: stats.ingest.rejectedTotal };
}

const fmtRate = (n: number) => (n >= 100 ? n.toFixed(0) : n.toFixed(1));

function fmtBytes(n: number): string {
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(0)} kB`;
  return `${(n / 1024 / 1024).toFixed(1)} MB`;
}

/** `accepted 12.0 pts/s · rejected 0.0/s · stored 1234 pts · db 2.1 MB` */
export function formatRateLine(prev: RateSample, cur: RateSample, stats: GatewayStats): string {
  const r = rates(prev, cur);
  return `accepted ${fmtRate(r.accepted)} pts/s · rejected ${fmtRate(r.rejected)}/s · stored ${cur.accepted} pts since start · db ${fmtBytes(stats.store.usedBytes)}`;
}

/**
 * Writes the live rate line: redrawn in place on a terminal, one line per refresh otherwise
 * (logs and pipes get a plain history).
 */
export function startRateDisplay(opts: {
  stats: () => GatewayStats;
  intervalMs: number;
  isTTY: boolean;
  write: (text: string) => void;
  now?: () => number;
}): { stop(): void } {
  const now = opts.now ?? Date.now;
  let prev = sampleOf(opts.stats(), now());
  const timer = setInterval(() => {
    const stats = opts.stats();
    const cur = sampleOf(stats, now());
    const line = formatRateLine(prev, cur, stats);
    prev = cur;
    opts.write(opts.isTTY ? `\r\x1b[2K${line}` : `${new Date(cur.at).toISOString()} ${line}\n`);
  }, opts.intervalMs);
  timer.unref();
  return {
    stop() {
      clearInterval(timer);
      if (opts.isTTY) opts.write('\n');
    },
  };
}
