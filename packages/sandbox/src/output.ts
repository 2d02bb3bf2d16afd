/**
 * Turns a sandbox reply string into validated points. Nothing from the sandbox is trusted: the
 * reply is size-checked before parsing and every point is rebuilt field by field into a fresh
 * object, so extra keys, `__proto__` keys or odd types never reach the pipeline. Points come as
 * objects (`p`) or as columns (`c`, see columns.ts); both go through the same checks.
 */
import type { Point, PointValue, Quality } from '@outpost/contract';
import { QUALITIES } from '@outpost/contract';
import type { SandboxLimits, ScriptFailure, ScriptLogLine } from './types.js';

export type ParsedReply =
  | { ok: true; points: Point[]; logs: ScriptLogLine[]; state?: Record<string, unknown> }
  | { ok: false; error: ScriptFailure; logs: ScriptLogLine[] };

const LEVELS = new Set(['debug', 'info', 'warn', 'error']);

export function parseReply(reply: string, limits: SandboxLimits): ParsedReply {
  if (reply.length > limits.maxOutputBytes) {
    return { ok: false, error: { reason: 'output', message: `output of ${reply.length} bytes exceeds the limit of ${limits.maxOutputBytes}` }, logs: [] };
  }
  let raw: { p?: unknown; c?: unknown; l?: unknown; s?: unknown; e?: { name?: unknown; message?: unknown; stack?: unknown } };
  try {
    raw = JSON.parse(reply) as typeof raw;
  } catch {
    return { ok: false, error: { reason: 'invalid-output', message: 'the sandbox reply is not JSON' }, logs: [] };
  }
  const logs = parseLogs(raw.l);
  if (raw.e !== undefined && raw.e !== null) {
    const name = String(raw.e.name ?? 'Error');
    const message = String(raw.e.message ?? '');
    const reason = name === 'OutputLimit' ? 'output' : name === 'OutputError' ? 'invalid-output' : name === 'MemoryError' ? 'memory' : 'runtime';
    const text = reason === 'runtime' ? `${name}: ${message}` : reason === 'memory' ? `memory limit of ${limits.memoryMb} MB exceeded (${name}${message ? `: ${message}` : ''})` : message;
    const error: ScriptFailure = { reason, message: text };
    if (typeof raw.e.stack === 'string') error.stack = raw.e.stack;
    return { ok: false, error, logs };
  }
  let count: number;
  let at: (i: number) => Point | string;
  if (raw.c !== undefined) {
    const rows = columnRows(raw.c);
    if (typeof rows === 'string') return { ok: false, error: { reason: 'invalid-output', message: `the sandbox reply is malformed: ${rows}` }, logs };
    count = rows.length;
    at = rows.point;
  } else {
    const out = raw.p;
    const list: unknown[] = out === null || out === undefined ? [] : Array.isArray(out) ? out : [out];
    count = list.length;
    at = (i) => toPoint(list[i]);
  }
  if (count > limits.maxOutputPoints) {
    return { ok: false, error: { reason: 'output', message: `${count} output points exceed the limit of ${limits.maxOutputPoints}` }, logs };
  }
  const points: Point[] = new Array(count);
  for (let i = 0; i < count; i++) {
    const p = at(i);
    if (typeof p === 'string') {
      return { ok: false, error: { reason: 'invalid-output', message: `output[${i}]: ${p}; expected a point {device, metric, ts, value}, an array of points, or nothing` }, logs };
    }
    points[i] = p;
  }
  const state = raw.s !== null && typeof raw.s === 'object' && !Array.isArray(raw.s) ? (raw.s as Record<string, unknown>) : undefined;
  return state === undefined ? { ok: true, points, logs } : { ok: true, points, logs, state };
}

function parseLogs(l: unknown): ScriptLogLine[] {
  if (!Array.isArray(l)) return [];
  const out: ScriptLogLine[] = [];
  for (const entry of l) {
    if (Array.isArray(entry) && LEVELS.has(entry[0] as string)) {
      out.push({ level: entry[0] as ScriptLogLine['level'], message: String(entry[1]).slice(0, 2000) });
    }
  }
  return out;
}

/** A fresh Point, or a string saying what is wrong. */
export function toPoint(v: unknown): Point | string {
  if (v === null || typeof v !== 'object' || Array.isArray(v)) return `got ${v === null ? 'null' : Array.isArray(v) ? 'a nested array' : typeof v}`;
  const o = v as Record<string, unknown>;
  return pointOf(o.device, o.metric, o.ts, o.value, o.unit, o.quality, o.tags);
}

/** A fresh Point from its fields (undefined = absent), or a string saying what is wrong. */
export function pointOf(device: unknown, metric: unknown, ts: unknown, value: unknown, unit: unknown, quality: unknown, tags: unknown): Point | string {
  if (typeof device !== 'string' || device === '') return 'device must be a non-empty string';
  if (typeof metric !== 'string' || metric === '') return 'metric must be a non-empty string';
  if (typeof ts !== 'number' || !Number.isFinite(ts)) return 'ts must be a finite number (epoch ms)';
  const okValue = value === null || typeof value === 'boolean' || typeof value === 'string' || (typeof value === 'number' && Number.isFinite(value));
  if (!okValue) return 'value must be a finite number, a boolean, a string or null';
  if (quality !== undefined && !QUALITIES.includes(quality as Quality)) return `quality must be one of ${QUALITIES.join(', ')}`;
  if (value === null && quality !== 'bad') return "a null value is only valid with quality 'bad'";
  if (unit !== undefined && typeof unit !== 'string') return 'unit must be a string';
  const p: Point = { device, metric, ts, value: value as PointValue | null };
  if (unit !== undefined) p.unit = unit as string;
  if (quality !== undefined) p.quality = quality as Quality;
  if (tags !== undefined) {
    if (tags === null || typeof tags !== 'object' || Array.isArray(tags)) return 'tags must be an object of strings';
    const copy: Record<string, string> = {};
    for (const [k, t] of Object.entries(tags as Record<string, unknown>)) {
      if (typeof t !== 'string') return `tags.${k} must be a string`;
      Object.defineProperty(copy, k, { value: t, enumerable: true, writable: true, configurable: true });
    }
    p.tags = copy;
  }
  return p;
}

export interface ColumnRows {
  length: number;
  /** Row i as a fresh, validated point, or a string saying what is wrong with it. */
  point(i: number): Point | string;
}

/**
 * Reads reply columns without trusting them: the shape is checked here, every row is rebuilt
 * and validated by pointOf (the same checks and messages as an object). A string says what is
 * malformed.
 */
export function columnRows(c: unknown): ColumnRows | string {
  if (c === null || typeof c !== 'object' || Array.isArray(c)) return 'columns must be an object';
  const { s, b, d, m, t, v, u, q, g } = c as Record<string, unknown>;
  if (!Array.isArray(s) || !Array.isArray(d) || !Array.isArray(m) || !Array.isArray(t) || !Array.isArray(v)) return 'columns s, d, m, t and v must be arrays';
  if (b !== undefined && (typeof b !== 'number' || !Number.isFinite(b))) return 'b must be a finite number';
  const n = t.length;
  for (const [name, col] of [['d', d], ['m', m], ['v', v], ['u', u], ['q', q], ['g', g]] as const) {
    if (col !== undefined && (!Array.isArray(col) || col.length !== n)) return `column ${name} must be an array of ${n} entries`;
  }
  // A bad index yields null, which the point checks then name ("device must be a non-empty string").
  const str = (j: unknown): unknown => (typeof j === 'number' && Number.isInteger(j) && j >= 0 && j < s.length ? s[j] : null);
  const opt = (col: unknown[] | undefined, i: number): unknown => (col === undefined || col[i] === -1 ? undefined : str(col[i]));
  const uc = u as unknown[] | undefined, qc = q as unknown[] | undefined, gc = g as unknown[] | undefined;
  return {
    length: n,
    point: (i) => pointOf(str(d[i]), str(m[i]), b === undefined ? t[i] : typeof t[i] === 'number' ? b + t[i] : t[i], v[i], opt(uc, i), opt(qc, i), gc === undefined || gc[i] === null ? undefined : gc[i]),
  };
}
