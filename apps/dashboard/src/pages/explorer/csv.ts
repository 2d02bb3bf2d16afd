import type { SeriesData } from '../../api/series.js';

const cell = (v: unknown) => {
  const s = v === null || v === undefined ? '' : String(v);
  return /[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
};

/** Long format, one row per value: device, metric, ISO time, epoch ms, value (avg for rollups), min, max, count. */
export function toCsv(series: SeriesData[]): string {
  const lines = ['device,metric,time,ts,value,min,max,count'];
  for (const s of series) for (const r of s.rows) lines.push([s.device, s.metric, new Date(r.ts).toISOString(), r.ts, r.value, r.min, r.max, r.count].map(cell).join(','));
  return lines.join('\n') + '\n';
}

export function download(name: string, text: string, type = 'text/csv'): void {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const a = document.createElement('a');
  a.href = url; a.download = name;
  document.body.appendChild(a); a.click(); a.remove();
  URL.revokeObjectURL(url);
}
