import { OutpostError } from '@outpost/contract';

/** Labelled anomaly windows as inclusive [start, end] times in ms; a point label is start === end. */
export type LabelWindow = readonly [number, number];

function parseTime(s: string, line: number): number {
  const t = s.trim().replace(/^"|"$/g, '');
  const n = /^-?\d+(\.\d+)?$/.test(t) ? Number(t) : Date.parse(/[zZ]|[+-]\d\d:?\d\d$/.test(t) ? t.replace(' ', 'T') : t.replace(' ', 'T') + 'Z');
  if (!Number.isFinite(n)) {
    throw new OutpostError('ERR_ML_LABELS_INVALID', `labels line ${line}: ${JSON.stringify(s)} is not a timestamp (ISO 8601 or epoch ms)`, { line });
  }
  return n;
}

/**
 * Parses an uploaded label CSV: one anomaly per line, either `timestamp` or `start,end`
 * (ISO 8601, "YYYY-MM-DD HH:MM:SS" as UTC, or epoch ms). A header line is skipped; so are blanks.
 */
export function parseLabelCsv(text: string): LabelWindow[] {
  const out: LabelWindow[] = [];
  text.split(/\r?\n/).forEach((raw, i) => {
    const line = raw.trim();
    if (line === '' || (i === 0 && /[a-df-z]/i.test(line.replace(/\d{4}-\d\d-\d\d[ T][\d:.]+Z?/g, '')))) return;
    const cells = line.split(',');
    if (cells.length > 2) throw new OutpostError('ERR_ML_LABELS_INVALID', `labels line ${i + 1}: expected "timestamp" or "start,end", got ${cells.length} columns`, { line: i + 1 });
    const a = parseTime(cells[0]!, i + 1);
    const b = cells.length === 2 ? parseTime(cells[1]!, i + 1) : a;
    if (b < a) throw new OutpostError('ERR_ML_LABELS_INVALID', `labels line ${i + 1}: window ends before it starts`, { line: i + 1 });
    out.push([a, b]);
  });
  return out;
}

/** Per-sample labels: true where the sample's time lies in any window. */
export function labelsForSeries(ts: ArrayLike<number>, windows: readonly LabelWindow[]): Uint8Array {
  const out = new Uint8Array(ts.length);
  for (let i = 0; i < ts.length; i++) {
    const t = ts[i]!;
    for (const [a, b] of windows) if (t >= a && t <= b) { out[i] = 1; break; }
  }
  return out;
}

/** The same windows as inclusive row ranges of a time-sorted series (for NAB scoring). */
export function windowsToRows(ts: ArrayLike<number>, windows: readonly LabelWindow[]): Array<[number, number]> {
  const rows: Array<[number, number]> = [];
  for (const [a, b] of windows) {
    let first = -1;
    let last = -1;
    for (let i = 0; i < ts.length; i++) if (ts[i]! >= a && ts[i]! <= b) { if (first < 0) first = i; last = i; }
    if (first >= 0) rows.push([first, last]);
  }
  return rows.sort((x, y) => x[0] - y[0]);
}
