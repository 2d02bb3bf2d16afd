import type { PointCandidate, Reject } from '@outpost/contract';
import { locateJsonError } from './json-error.js';

/**
 * Payload decoding shared by every push connector (MQTT, HTTP): turns a JSON payload into point
 * candidates and rejects only what is structurally unusable. Types, ranges, timestamps, units and
 * duplicates are the ingestor's job, so a candidate may still carry a wrong-typed field.
 *
 * Accepted shapes (see README in this folder):
 *   one point        {"device"?, "metric", "ts"?, "value", "unit"?, "quality"?, "tags"?}
 *   metrics object   {"ts"?, "device"?, "tags"?, "quality"?, "temperature": 71.3, "active_power": 4.2}
 *   batch            [point | metrics object, …]   or   {"device"?, "ts"?, "tags"?, "points": [ … ]}
 *
 * Fast path: one JSON.parse and no copies — a point object or a batch array is handed on as the
 * candidate (list) itself; only a metrics object allocates one candidate per metric.
 */
export interface DecodeLimits {
  /** Largest payload accepted, in bytes. Default 1 MiB: ~10k points of ~100 bytes, far above any device message. */
  maxBytes: number;
  /** Most points accepted from one payload. Default 10,000: bounds the work one message can cause. */
  maxPoints: number;
  /**
   * Payload fields that are point attributes, not metrics (`gateway.ingest.attributes`): in a
   * metrics object or batch envelope they are copied onto every point instead of becoming one.
   */
  attributes?: readonly string[];
}

export const DEFAULT_DECODE_LIMITS: Readonly<DecodeLimits> = Object.freeze({ maxBytes: 1024 * 1024, maxPoints: 10_000 });

export type DecodeResult = { ok: true; candidates: PointCandidate[] } | { ok: false; reject: Reject };

/** Keys of a metrics object (and of a batch envelope) that describe the metrics rather than being one. */
const RESERVED = new Set(['ts', 'device', 'tags', 'quality']);

type Json = Record<string, unknown>;

export function decodePayload(payload: Buffer | string, limits: DecodeLimits = DEFAULT_DECODE_LIMITS): DecodeResult {
  const bytes = typeof payload === 'string' ? Buffer.byteLength(payload) : payload.length;
  if (bytes === 0) return fail('bad_shape', 'payload is empty; expected a JSON point, metrics object or batch');
  if (bytes > limits.maxBytes) {
    return fail('too_large', `payload is ${bytes} bytes; the limit is ${limits.maxBytes} bytes`);
  }
  const text = typeof payload === 'string' ? payload : payload.toString('utf8');
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    const at = locateJsonError(text);
    return fail('malformed_json', `payload is not valid JSON: ${at.problem} at position ${at.position} near ${JSON.stringify(at.near)}`);
  }
  return decodeDocument(doc, limits);
}

/** Decode an already-parsed JSON document (the HTTP API parses bodies itself). */
export function decodeDocument(doc: unknown, limits: DecodeLimits = DEFAULT_DECODE_LIMITS): DecodeResult {
  if (Array.isArray(doc)) return decodeBatch(doc, undefined, 'payload', limits);
  if (!isObject(doc)) {
    return fail('bad_shape', `payload is ${describe(doc)}; expected a JSON object (point or metrics) or an array of points`);
  }
  if ('points' in doc) {
    const points = doc.points;
    if (!Array.isArray(points)) return fail('bad_shape', `"points" is ${describe(points)}; expected an array of points`);
    return decodeBatch(points, doc, 'points', limits);
  }
  if (typeof doc.metric === 'string') return { ok: true, candidates: [doc] };
  const candidates: PointCandidate[] = [];
  const err = expandMetrics(doc, undefined, candidates, limits);
  if (err) return err;
  if (candidates.length === 0) {
    return fail('bad_shape', 'payload object has no "metric" and no metric fields; expected a point or a metrics object');
  }
  return { ok: true, candidates };
}

function decodeBatch(items: unknown[], envelope: Json | undefined, where: string, limits: DecodeLimits): DecodeResult {
  if (items.length === 0) return fail('bad_shape', `${where} is an empty array; expected at least one point`);
  if (items.length > limits.maxPoints) {
    return fail('too_large', `${where} has ${items.length} points; the limit is ${limits.maxPoints} per payload`);
  }
  // Common case: every item is a point object — the array itself is the candidate list.
  let allPoints = true;
  for (let i = 0; i < items.length; i++) {
    const item = items[i];
    if (!isObject(item)) return fail('bad_shape', `${where}[${i}] is ${describe(item)}; expected a point object`);
    if (typeof item.metric !== 'string') allPoints = false;
    else if (envelope) inherit(item, envelope, limits.attributes);
  }
  if (allPoints) return { ok: true, candidates: items as PointCandidate[] };
  const candidates: PointCandidate[] = [];
  for (let i = 0; i < items.length; i++) {
    const item = items[i] as Json;
    if (typeof item.metric === 'string') {
      candidates.push(item);
      continue;
    }
    const before = candidates.length;
    const err = expandMetrics(item, envelope, candidates, limits);
    if (err) return err;
    if (candidates.length === before) {
      return fail('bad_shape', `${where}[${i}] has no "metric" and no metric fields; expected a point or a metrics object`);
    }
  }
  return { ok: true, candidates };
}

/**
 * One candidate per metric field. A field whose value is an object with a `value` key carries its
 * own unit/quality/ts (`{"temperature": {"value": 160.2, "unit": "degF"}}`); any other value, even
 * a wrong-typed one, becomes a candidate so the ingestor can reject that one metric with its name.
 */
function expandMetrics(obj: Json, envelope: Json | undefined, out: PointCandidate[], limits: DecodeLimits): DecodeResult | undefined {
  const device = obj.device ?? envelope?.device;
  const ts = obj.ts ?? envelope?.ts;
  const tags = obj.tags ?? envelope?.tags;
  const quality = obj.quality ?? envelope?.quality;
  const attrNames = limits.attributes;
  for (const key in obj) {
    if (RESERVED.has(key) || attrNames?.includes(key)) continue;
    const field = obj[key];
    const c: PointCandidate = { device, metric: key, ts, value: field, tags, quality };
    if (attrNames) for (const a of attrNames) if (obj[a] !== undefined || envelope?.[a] !== undefined) (c as Json)[a] = obj[a] ?? envelope?.[a];
    if (isObject(field) && 'value' in field) {
      c.value = field.value;
      if (field.unit !== undefined) c.unit = field.unit;
      if (field.quality !== undefined) c.quality = field.quality;
      if (field.ts !== undefined) c.ts = field.ts;
    }
    out.push(c);
    if (out.length > limits.maxPoints) {
      return fail('too_large', `payload has more than ${limits.maxPoints} metrics; the limit is ${limits.maxPoints} points per payload`);
    }
  }
  return undefined;
}

/** Batch-envelope fields fill what a point leaves out. */
function inherit(point: Json, envelope: Json, attributes: readonly string[] | undefined): void {
  if (point.device === undefined && envelope.device !== undefined) point.device = envelope.device;
  if (point.ts === undefined && envelope.ts !== undefined) point.ts = envelope.ts;
  if (point.tags === undefined && envelope.tags !== undefined) point.tags = envelope.tags;
  if (attributes) for (const a of attributes) if (point[a] === undefined && envelope[a] !== undefined) point[a] = envelope[a];
}

function isObject(v: unknown): v is Json {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function describe(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  if (typeof v === 'string') return `a string (${JSON.stringify(v.length > 20 ? `${v.slice(0, 20)}…` : v)})`;
  if (typeof v === 'object') return 'an object';
  return `a ${typeof v} (${String(v)})`;
}

function fail(reason: Reject['reason'], message: string): DecodeResult {
  return { ok: false, reject: { reason, message } };
}
