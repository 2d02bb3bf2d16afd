import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** One NAB data file: timestamps (ms UTC), values and its windows as inclusive row ranges. */
export interface NabFile {
  rel: string;
  ts: Float64Array;
  values: Float64Array;
  windows: Array<[number, number]>;
}

export const NAB_ROOT = new URL('../../../shared/datasets/nab/', import.meta.url).pathname;

function parseTs(s: string): number {
  // "YYYY-MM-DD HH:MM:SS[.ffffff]" is UTC in NAB.
  const t = Date.parse(s.trim().replace(' ', 'T').replace(/(\.\d{3})\d*$/, '$1') + 'Z');
  if (!Number.isFinite(t)) throw new Error(`NAB: unparseable timestamp ${JSON.stringify(s)}`);
  return t;
}

export function loadNab(root = NAB_ROOT, filter?: (rel: string) => boolean): NabFile[] {
  const windows = JSON.parse(readFileSync(join(root, 'labels/combined_windows.json'), 'utf8')) as Record<string, Array<[string, string]>>;
  const rels = Object.keys(windows).sort().filter((r) => !filter || filter(r));
  return rels.map((rel) => {
    const lines = readFileSync(join(root, 'data', rel), 'utf8').split(/\r?\n/).filter((l) => l.length > 0).slice(1);
    const ts = new Float64Array(lines.length);
    const values = new Float64Array(lines.length);
    const index = new Map<number, number>();
    lines.forEach((l, i) => {
      const c = l.indexOf(',');
      ts[i] = parseTs(l.slice(0, c));
      values[i] = Number(l.slice(c + 1));
      if (!index.has(ts[i]!)) index.set(ts[i]!, i);
    });
    const ws = (windows[rel] ?? []).map(([a, b]): [number, number] => {
      const ia = index.get(parseTs(a));
      const ib = index.get(parseTs(b));
      if (ia === undefined || ib === undefined) throw new Error(`NAB: window [${a}, ${b}] of ${rel} is not on a data row`);
      return [ia, ib];
    });
    return { rel, ts, values, windows: ws };
  });
}
