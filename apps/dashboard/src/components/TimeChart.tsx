import { useEffect, useRef } from 'react';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';

export interface Series { label: string; ts: number[]; values: Array<number | null> }

/** Merge series sampled at different times onto one time axis (uPlot wants aligned columns). */
export function align(series: Series[]): uPlot.AlignedData {
  const times = [...new Set(series.flatMap((s) => s.ts))].sort((a, b) => a - b);
  const index = new Map(times.map((t, i) => [t, i]));
  const cols = series.map((s) => {
    const col: Array<number | null> = new Array(times.length).fill(null);
    s.ts.forEach((t, i) => { col[index.get(t)!] = s.values[i] ?? null; });
    return col;
  });
  return [times.map((t) => t / 1000), ...cols] as uPlot.AlignedData;
}

const COLORS = ['#1f6feb', '#d1242f', '#1a7f37', '#9a6700', '#8250df', '#0969da', '#bf3989'];

/** A uPlot line chart of one or more time series (epoch ms), resized to its container. */
export function TimeChart({ series, height = 240, title }: { series: Series[]; height?: number; title?: string }) {
  const box = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const el = box.current;
    if (!el) return;
    const opts: uPlot.Options = {
      title, width: Math.max(300, el.clientWidth - 8), height,
      series: [{}, ...series.map((s, i) => ({ label: s.label, stroke: COLORS[i % COLORS.length], width: 1.5, spanGaps: false }))],
      scales: { x: { time: true } },
    };
    const plot = new uPlot(opts, align(series), el);
    const ro = new ResizeObserver(() => plot.setSize({ width: Math.max(300, el.clientWidth - 8), height }));
    ro.observe(el);
    return () => { ro.disconnect(); plot.destroy(); };
  }, [series, height, title]);
  return <div className="chart" ref={box} role="img" aria-label={title ?? series.map((s) => s.label).join(', ')} />;
}
