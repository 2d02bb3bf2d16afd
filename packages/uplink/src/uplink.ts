import { silentLogger, type Logger } from '@outpost/contract';
import type { WireBufferStatus } from '@outpost/contract/wire/index';
import type { GatewayStore } from '@outpost/storage';
import { DrainLoop, type DrainStats, type LinkState } from './drain.js';
import { PRIORITY_CLASSES, type DropReason, type OutboxLimits, type PriorityClass } from './outbox/classes.js';
import { Outbox, type DropCounts } from './outbox/outbox.js';
import { HttpSender } from './sender.js';
import { buildWireBody, type Compression } from './wire-body.js';

export interface UplinkOptions {
  store: GatewayStore;
  gateway: string;
  /** Hub base URL. */
  url: string;
  /** Static token or a provider called before every request (see SenderOptions.token). */
  token?: string | (() => string | Promise<string>) | undefined;
  /** Raw points flow into the outbox (in the commit's own transaction) when enabled. */
  points?: { enabled: boolean; class: PriorityClass };
  limits?: Partial<OutboxLimits>;
  batch?: { minPoints?: number; maxPoints?: number; maxBytes?: number; lingerMs?: number };
  backoff?: { minMs?: number; maxMs?: number };
  probeIntervalMs?: number;
  requestTimeoutMs?: number;
  rateLimitBytesPerS?: number | undefined;
  compression?: Compression;
  gzipLevel?: number;
  logger?: Logger;
  now?: () => number;
  random?: () => number;
}

export interface CapacityEvent { type: 'uplink.capacity'; level: number; usedBytes: number; maxBytes: number; at: number }

export interface UplinkStatus {
  gateway: string;
  stream: string;
  hub: string;
  link: DrainStats['link'] & { state: LinkState };
  pending: Record<PriorityClass, { items: number; points: number; bytes: number; oldestAgeMs: number | null }>;
  capacity: { maxBytes: number; usedBytes: number; ratio: number; dropCritical: boolean };
  drops: DropCounts;
  droppedPoints: number;
  drainPointsPerS: number;
  delivered: DrainStats['delivered'];
  deadLettered: number;
  batchPoints: number;
  openBatch: number | null;
}

export interface Uplink {
  readonly outbox: Outbox;
  /** Add an item to the outbox (alerts, events, rollups, health …); see Outbox.enqueue. */
  enqueue(cls: PriorityClass, kind: string, payload: unknown): number | undefined;
  status(): UplinkStatus;
  /** Local capacity events (80 % and 95 %); they are also enqueued as critical `event` items. */
  onCapacity(listener: (e: CapacityEvent) => void): () => void;
  start(): void;
  stop(): Promise<void>;
}

/**
 * The gateway's store-and-forward uplink: an outbox on the gateway's SQLite store, fed by a
 * commit hook (so an acknowledged point is in the outbox durably), drained to the hub.
 */
export function createUplink(o: UplinkOptions): Uplink {
  const logger = o.logger ?? silentLogger;
  const now = o.now ?? Date.now;
  const capacityListeners = new Set<(e: CapacityEvent) => void>();
  let drain: DrainLoop | undefined;
  const outbox: Outbox = new Outbox(o.store, {
    limits: o.limits, now,
    onCapacity: (level, usedBytes, maxBytes) => {
      const e: CapacityEvent = { type: 'uplink.capacity', level, usedBytes, maxBytes, at: now() };
      logger.warn(e, `uplink outbox at ${Math.round(level * 100)} % of its capacity`);
      outbox.enqueue('critical', 'event', e);
      for (const l of capacityListeners) l(e);
    },
  });
  const pointsFlow = o.points ?? { enabled: true, class: 'normal' };
  let removeHook: (() => void) | undefined;
  if (pointsFlow.enabled) removeHook = o.store.addCommitHook((points) => outbox.enqueuePoints(pointsFlow.class, points));

  const batch = { minPoints: o.batch?.minPoints ?? 1000, maxPoints: o.batch?.maxPoints ?? 50_000, maxBytes: o.batch?.maxBytes ?? 4 * 1024 * 1024 };
  const sender = new HttpSender({ url: o.url, gateway: o.gateway, stream: outbox.stream, token: o.token, timeoutMs: o.requestTimeoutMs ?? 30_000 });
  const wireStatus = (): WireBufferStatus => {
    const s = status();
    return {
      classes: PRIORITY_CLASSES.map((c) => ({ class: c, items: s.pending[c].items, points: s.pending[c].points, bytes: s.pending[c].bytes, oldestMs: s.pending[c].oldestAgeMs ?? 0, droppedPoints: sumDrops(s.drops[c]) })),
      capacityBytes: s.capacity.maxBytes, usedBytes: s.capacity.usedBytes, drainPointsPerS: s.drainPointsPerS,
    };
  };
  drain = new DrainLoop({
    outbox, sender, batch, logger, now, random: o.random,
    build: (seq, items) => buildWireBody({ gateway: o.gateway, stream: outbox.stream, compression: o.compression ?? 'gzip', gzipLevel: o.gzipLevel ?? 1, status: wireStatus, now }, seq, items),
    lingerMs: o.batch?.lingerMs ?? 50,
    backoff: { minMs: o.backoff?.minMs ?? 500, maxMs: o.backoff?.maxMs ?? 300_000 },
    probeIntervalMs: o.probeIntervalMs ?? 30_000,
    rateLimitBytesPerS: o.rateLimitBytesPerS,
  });

  function status(): UplinkStatus {
    const d = drain!.stats();
    const t = now();
    const pend = outbox.pending();
    const pending = Object.fromEntries(PRIORITY_CLASSES.map((c) => [c, { items: pend[c].items, points: pend[c].points, bytes: pend[c].bytes, oldestAgeMs: pend[c].oldestCreated === null ? null : t - pend[c].oldestCreated }])) as UplinkStatus['pending'];
    const drops = outbox.drops();
    const open = outbox.batches.open();
    return {
      gateway: o.gateway, stream: outbox.stream, hub: o.url, link: d.link, pending,
      capacity: { maxBytes: outbox.limits.maxBytes, usedBytes: outbox.used, ratio: outbox.used / outbox.limits.maxBytes, dropCritical: outbox.limits.dropCritical },
      drops, droppedPoints: PRIORITY_CLASSES.reduce((a, c) => a + sumDrops(drops[c]), 0),
      drainPointsPerS: d.drainPointsPerS, delivered: d.delivered, deadLettered: d.deadLettered, batchPoints: d.batchPoints, openBatch: open?.seq ?? null,
    };
  }

  return {
    outbox,
    enqueue: (cls, kind, payload) => outbox.enqueue(cls, kind, payload),
    status,
    onCapacity(l) { capacityListeners.add(l); return () => capacityListeners.delete(l); },
    start: () => drain!.start(),
    async stop() { removeHook?.(); await drain!.stop(); },
  };
}

function sumDrops(d: Record<DropReason, { points: number }>): number {
  return d.capacity.points + d.expired.points + d.rejected.points;
}
