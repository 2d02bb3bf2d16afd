import { batchType, toNum } from './schema.js';

export type PriorityClass = 'critical' | 'high' | 'normal' | 'low';
/** Drain order: index 0 first. */
export const PRIORITY_CLASSES: readonly PriorityClass[] = ['critical', 'high', 'normal', 'low'];

export interface WireItem {
  id: number;
  class: PriorityClass;
  /** `points` (body is a PointSet) or a feature's JSON document kind: alert, event, rollup, health, … */
  kind: string;
  createdMs: number;
  body: Uint8Array;
}

export interface WireClassStatus { class: PriorityClass; items: number; points: number; bytes: number; oldestMs: number; droppedPoints: number }
export interface WireBufferStatus { classes: WireClassStatus[]; capacityBytes: number; usedBytes: number; drainPointsPerS: number }

export interface WireBatch {
  gateway: string;
  stream: string;
  seq: number;
  createdMs: number;
  items: WireItem[];
  status?: WireBufferStatus | undefined;
}

const classCode = (c: PriorityClass): number => PRIORITY_CLASSES.indexOf(c);
const classOf = (n: unknown): PriorityClass => PRIORITY_CLASSES[Number(n ?? 0)] ?? 'low';

export function encodeBatch(b: WireBatch): Uint8Array {
  return batchType().encode({
    gateway: b.gateway, stream: b.stream, seq: b.seq, createdMs: b.createdMs,
    items: b.items.map((i) => ({ id: i.id, class: classCode(i.class), kind: i.kind, createdMs: i.createdMs, body: i.body })),
    status: b.status === undefined ? undefined : { ...b.status, classes: b.status.classes.map((c) => ({ ...c, class: classCode(c.class) })) },
  }).finish();
}

/** Decode a batch; throws (protobufjs's error) on bytes that are not a Batch. */
export function decodeBatch(bytes: Uint8Array): WireBatch {
  const m = batchType().decode(bytes) as unknown as Record<string, unknown>;
  const items = ((m.items as Array<Record<string, unknown>>) ?? []).map((i) => ({
    id: toNum(i.id), class: classOf(i.class), kind: String(i.kind ?? ''), createdMs: toNum(i.createdMs), body: (i.body as Uint8Array) ?? new Uint8Array(0),
  }));
  const out: WireBatch = { gateway: String(m.gateway ?? ''), stream: String(m.stream ?? ''), seq: toNum(m.seq), createdMs: toNum(m.createdMs), items };
  const s = m.status as Record<string, unknown> | undefined;
  if (s) {
    out.status = {
      classes: ((s.classes as Array<Record<string, unknown>>) ?? []).map((c) => ({
        class: classOf(c.class), items: toNum(c.items), points: toNum(c.points), bytes: toNum(c.bytes), oldestMs: toNum(c.oldestMs), droppedPoints: toNum(c.droppedPoints),
      })),
      capacityBytes: toNum(s.capacityBytes), usedBytes: toNum(s.usedBytes), drainPointsPerS: Number(s.drainPointsPerS ?? 0),
    };
  }
  return out;
}
