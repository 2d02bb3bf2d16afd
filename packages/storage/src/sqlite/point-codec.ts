import type { Point, PointValue, Quality } from '@outpost/contract';

/**
 * Points are stored with one `flags` integer: bits 0–1 quality, bits 2–3 the value's kind, so
 * booleans and gaps survive the round trip through SQLite's dynamic typing.
 */
const QUALITY_BITS: Record<Quality, number> = { good: 0, uncertain: 1, bad: 2 };
const QUALITY_OF: Quality[] = ['good', 'uncertain', 'bad', 'bad'];
const KIND_NUMBER = 0, KIND_BOOL = 1, KIND_STRING = 2, KIND_NULL = 3;

export function encodeFlags(p: Point): number {
  const q = QUALITY_BITS[p.quality ?? 'good'];
  const v = p.value;
  const kind = v === null ? KIND_NULL : typeof v === 'boolean' ? KIND_BOOL : typeof v === 'string' ? KIND_STRING : KIND_NUMBER;
  return q | (kind << 2);
}

export function encodeValue(v: PointValue | null): number | string | null {
  return typeof v === 'boolean' ? (v ? 1 : 0) : v;
}

export function decodeValue(raw: unknown, flags: number): PointValue | null {
  const kind = (flags >> 2) & 3;
  if (kind === KIND_NULL || raw === null) return null;
  if (kind === KIND_BOOL) return raw === 1;
  if (kind === KIND_STRING) return String(raw);
  return Number(raw);
}

export function decodeQuality(flags: number): Quality {
  return QUALITY_OF[flags & 3]!;
}
