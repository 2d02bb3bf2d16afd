/** Display helpers shared by pages. */
export const dateTime = (ms: number | null | undefined) => (ms == null ? '—' : new Date(ms).toLocaleString());

export function ago(ms: number | null | undefined, now = Date.now()): string {
  if (ms == null) return 'never';
  const s = Math.round((now - ms) / 1000);
  if (s < 60) return `${Math.max(s, 0)} s ago`;
  if (s < 3600) return `${Math.round(s / 60)} min ago`;
  if (s < 86_400) return `${Math.round(s / 3600)} h ago`;
  return `${Math.round(s / 86_400)} d ago`;
}

export function bytes(n: unknown): string {
  if (typeof n !== 'number') return '—';
  const u = ['B', 'KiB', 'MiB', 'GiB'];
  let i = 0; let v = n;
  while (v >= 1024 && i < u.length - 1) { v /= 1024; i++; }
  return `${v.toFixed(i ? 1 : 0)} ${u[i]}`;
}

/** Heartbeat ratios (0…1; CPU load per core may pass 1) as percent. */
export const pct = (n: unknown) => (typeof n === 'number' ? `${(n * 100).toFixed(0)} %` : '—');
