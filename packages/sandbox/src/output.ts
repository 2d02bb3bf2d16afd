/**
 * Turns a sandbox reply string into validated points. Nothing from the sandbox is trusted: the
 * reply is size-checked before parsing and every point is rebuilt field by field into a fresh
 * object, so extra keys, `__proto__` keys or odd types never reach the pipeline.
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
  let raw: { p?: unknown; l?: unknown; s?: unknown; e?: { name?: unknown; message?: unknown; stack?: unknown } };
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
  const out = raw.p;
  const list: unknown[] = out === null || out === undefined ? [] : Array.isArray(out) ? out : [out];
  if (list.length > limits.maxOutputPoints) {
    return { ok: false, error: { reason: 'output', message: `${list.length} output points exceed the limit of ${limits.maxOutputPoints}` }, logs };
  }
  const points: Point[] = [];
  for (let i = 0; i < list.length; i++) {
    const p = toPoint(list[i]);
    if (typeof p === 'string') {
      return { ok: false, error: { reason: 'invalid-output', message: `output[${i}]: ${p}; expected a point {device, metric, ts, value}, an array of points, or nothing` }, logs };
    }
    points.push(p);
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
  if (typeof o.device !== 'string' || o.device === '') return 'device must be a non-empty string';
  if (typeof o.metric !== 'string' || o.metric === '') return 'metric must be a non-empty string';
  if (typeof o.ts !== 'number' || !Number.isFinite(o.ts)) return 'ts must be a finite number (epoch ms)';
  const value = o.value;
  const okValue = value === null || typeof value === 'boolean' || typeof value === 'string' || (typeof value === 'number' && Number.isFinite(value));
  if (!okValue) return 'value must be a finite number, a boolean, a string or null';
  if (o.quality !== undefined && !QUALITIES.includes(o.quality as Quality)) return `quality must be one of ${QUALITIES.join(', ')}`;
  if (value === null && o.quality !== 'bad') return "a null value is only valid with quality 'bad'";
  if (o.unit !== undefined && typeof o.unit !== 'string') return 'unit must be a string';
  const p: Point = { device: o.device, metric: o.metric, ts: o.ts, value: value as PointValue | null };
  if (o.unit !== undefined) p.unit = o.unit as string;
  if (o.quality !== undefined) p.quality = o.quality as Quality;
  if (o.tags !== undefined) {
    if (o.tags === null || typeof o.tags !== 'object' || Array.isArray(o.tags)) return 'tags must be an object of strings';
    const tags: Record<string, string> = {};
    for (const [k, t] of Object.entries(o.tags as Record<string, unknown>)) {
      if (typeof t !== 'string') return `tags.${k} must be a string`;
      Object.defineProperty(tags, k, { value: t, enumerable: true, writable: true, configurable: true });
    }
    p.tags = tags;
  }
  return p;
}
