import type { ChartSeries as Series } from './types.js';
import type { Monitoring, UsageDay } from './types.js';

/** The history charts of one model version: title and series, each point a UTC day (ms at 00:00). */
export interface ChartSpec { title: string; series: Series[] }

const DAY = 86_400_000;
const dayMs = (day: string) => Date.parse(`${day}T00:00:00Z`);

/**
 * Daily figures of `version` turned into the page's five charts (count, latency, error rate, drift,
 * accuracy). Each series also has empty points on the range's first and last day, so the time axis
 * spans the chosen range rather than the few days that have figures.
 */
export function chartsOf(m: Monitoring, version: number): ChartSpec[] {
  const first = Math.floor(m.from / DAY) * DAY;
  const last = Math.floor((m.to - 1) / DAY) * DAY;
  const framed = (ts: number[], values: Array<number | null>): Pick<Series, 'ts' | 'values'> => {
    // Only where no figure is on that day: a duplicate time would overwrite the figure with null.
    const head = ts.includes(first) ? [] : [first];
    const tail = ts.includes(last) || last === first ? [] : [last];
    return { ts: [...head, ...ts, ...tail], values: [...head.map(() => null), ...values, ...tail.map(() => null)] };
  };
  const days = m.days.filter((d) => d.version === String(version));
  const ts = days.map((d) => dayMs(d.day));
  const line = (label: string, pick: (d: UsageDay) => number | null): Series => ({ label, ...framed(ts, days.map(pick)) });
  const acc = m.accuracyByDay.filter((a) => a.version === version);
  return [
    { title: 'Inferences per day', series: [line('count', (d) => d.count)] },
    { title: 'Latency (ms)', series: [line('p50', (d) => d.p50Ms), line('p95', (d) => d.p95Ms), line('p99', (d) => d.p99Ms)] },
    { title: 'Error rate', series: [line('error rate', (d) => d.errorRate)] },
    { title: 'Input drift', series: [line('PSI', (d) => d.psi), line('KL', (d) => d.kl)] },
    { title: 'Accuracy on ground truth', series: [{ label: 'accuracy', ...framed(acc.map((a) => dayMs(a.day)), acc.map((a) => a.accuracy)) }] },
  ];
}

/** Points with a value in a chart (what the page shows as "no data" when zero). */
export const pointsOf = (c: ChartSpec) => c.series.reduce((n, s) => n + s.values.filter((v) => v !== null).length, 0);
