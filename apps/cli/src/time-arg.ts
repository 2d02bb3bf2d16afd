import { InvalidArgumentError } from 'commander';

const UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/**
 * A time for `--from`/`--to`: `now`, epoch milliseconds, an ISO 8601 date, or relative to now
 * (`-15m`, `-2h`, `-7d`, `-30s`). Returns epoch ms.
 */
export function parseTime(text: string, now: number): number {
  const t = text.trim();
  if (t === 'now') return now;
  if (/^\d+$/.test(t)) return Number(t);
  const rel = /^-(\d+(?:\.\d+)?)(ms|s|m|h|d)$/.exec(t);
  if (rel) return Math.round(now - Number(rel[1]) * UNITS[rel[2]!]!);
  if (/^\d{4}-\d{2}-\d{2}/.test(t)) {
    const ms = Date.parse(t);
    if (Number.isFinite(ms)) return ms;
  }
  throw new InvalidArgumentError(`expected now, epoch ms, an ISO date (2026-01-31T12:00:00Z) or a relative time (-15m, -2h, -7d); got "${text}"`);
}

export function parsePositiveInt(text: string): number {
  if (!/^\d+$/.test(text.trim()) || Number(text) < 1) throw new InvalidArgumentError(`expected a positive integer; got "${text}"`);
  return Number(text);
}
