/** Time ranges offered by charts and the data explorer; long ones read rollups, short ones raw points. */
export const RANGES = [
  { key: '15m', label: 'Last 15 minutes', ms: 15 * 60_000 },
  { key: '1h', label: 'Last hour', ms: 3_600_000 },
  { key: '6h', label: 'Last 6 hours', ms: 6 * 3_600_000 },
  { key: '24h', label: 'Last 24 hours', ms: 86_400_000 },
  { key: '7d', label: 'Last 7 days', ms: 7 * 86_400_000 },
  { key: '30d', label: 'Last 30 days', ms: 30 * 86_400_000 },
] as const;
export type RangeKey = (typeof RANGES)[number]['key'];

/** Up to this span, raw points are shown; longer spans use the hub's rollups (≤ 1000 buckets). */
export const RAW_UP_TO_MS = 3_600_000;

export const rangeMs = (k: RangeKey) => RANGES.find((r) => r.key === k)!.ms;
