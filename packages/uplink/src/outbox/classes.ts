import { OutpostError } from '@outpost/contract';
import { PRIORITY_CLASSES, type PriorityClass } from '@outpost/contract/wire/index';

export { PRIORITY_CLASSES, type PriorityClass };

/** Why items left the outbox without reaching the hub. */
export type DropReason = 'capacity' | 'expired' | 'rejected';
export const DROP_REASONS: readonly DropReason[] = ['capacity', 'expired', 'rejected'];

export interface OutboxLimits {
  /** Bytes of item payloads the outbox may hold; past it the drop policy makes room. */
  maxBytes: number;
  /** Items older than this are dropped as `expired`, whatever their class TTL. */
  maxAgeMs: number;
  /** Per-class time to live, ms. */
  ttlMs: Record<PriorityClass, number>;
  /** Whether critical items may be dropped to make room (otherwise the outbox grows past maxBytes for them). */
  dropCritical: boolean;
}

export const DAY_MS = 86_400_000;

export const DEFAULT_LIMITS: OutboxLimits = {
  maxBytes: 256 * 1024 * 1024,
  maxAgeMs: 7 * DAY_MS,
  ttlMs: { critical: 30 * DAY_MS, high: 7 * DAY_MS, normal: 7 * DAY_MS, low: DAY_MS },
  dropCritical: false,
};

export function classCode(c: string): number {
  const i = PRIORITY_CLASSES.indexOf(c as PriorityClass);
  if (i < 0) throw new OutpostError('ERR_OUTBOX_INVALID', `outbox class: expected one of ${PRIORITY_CLASSES.join(', ')}, got ${JSON.stringify(c)}`, { class: c });
  return i;
}

export const className = (code: number): PriorityClass => PRIORITY_CLASSES[code] ?? 'low';
