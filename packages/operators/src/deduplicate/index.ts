/**
 * deduplicate: drops repeated points per device+metric.
 * - `exact`: a point whose timestamp was already seen for its key within `horizon` (redelivery
 *   after a reconnect, a connector polling twice) goes to `duplicates`; the first one is kept.
 *   At most MAX_TIMESTAMPS_PER_KEY timestamps are remembered per key (the oldest are forgotten first).
 * - `onChange`: a point whose value equals the last kept value goes to `duplicates`, unless
 *   `heartbeat` has passed since the last kept point (so a flat signal still shows it is alive).
 */
import type { Point, PointValue } from '@outpost/contract';
import { DURATION_PATTERN, parseDuration, type OperatorDefinition } from '@outpost/engine';
import { CountedErrors } from '../shared/counted-errors.js';

/** Timestamps remembered per key in exact mode; the oldest go first, so memory per key is bounded. */
export const MAX_TIMESTAMPS_PER_KEY = 1024;

const duration = { oneOf: [{ type: 'string', pattern: DURATION_PATTERN }, { type: 'integer', minimum: 0 }] } as const;

interface KeyState { seen: Set<number>; maxTs: number; lastValue: PointValue | null | undefined; lastKeptTs: number }

export const deduplicate: OperatorDefinition = {
  kind: 'deduplicate',
  typeVersion: 1,
  title: 'Deduplicate',
  description: 'Drops points already seen (same device, metric and timestamp) or, in onChange mode, points whose value did not change.',
  configSchema: {
    type: 'object',
    additionalProperties: false,
    properties: {
      mode: { enum: ['exact', 'onChange'], description: 'Default exact.' },
      horizon: { ...duration, description: 'exact: how far back timestamps are remembered (default 1h).' },
      heartbeat: { ...duration, description: 'onChange: keep an unchanged value after this long (default: never).' },
      maxKeys: { type: 'integer', minimum: 1 },
    },
  },
  inputs: [{ name: 'in', accepts: ['point'] }],
  outputs: [{ name: 'out', type: 'point' }, { name: 'duplicates', type: 'point' }],
  create(config, ctx) {
    const mode = (config.mode as string | undefined) ?? 'exact';
    const horizon = parseDuration(config.horizon ?? '1h') ?? 3_600_000;
    const heartbeat = config.heartbeat === undefined ? Infinity : parseDuration(config.heartbeat) ?? Infinity;
    const maxKeys = (config.maxKeys as number | undefined) ?? ctx.limits.maxKeysPerNode;
    const keys = new Map<string, KeyState>();
    const errors = new CountedErrors();
    let dropped = 0;
    const prune = (st: KeyState) => {
      const floor = st.maxTs - horizon;
      for (const ts of st.seen) if (ts < floor) st.seen.delete(ts);
    };
    return {
      process(_port, items, io) {
        const out = io.out('out');
        const dups = io.out('duplicates');
        for (const p of items as readonly Point[]) {
          const key = `${p.device}\u0000${p.metric}`;
          let st = keys.get(key);
          if (!st) {
            if (keys.size >= maxKeys) {
              errors.add('ERR_ENGINE_KEY_LIMIT', `node '${ctx.nodeId}': key cap of ${maxKeys} device+metric keys reached; points of new keys are rejected`, p);
              continue;
            }
            keys.set(key, (st = { seen: new Set(), maxTs: -Infinity, lastValue: undefined, lastKeptTs: -Infinity }));
          }
          let dup: boolean;
          if (mode === 'exact') {
            dup = st.seen.has(p.ts) || p.ts < st.maxTs - horizon;
            if (!dup) {
              st.seen.add(p.ts);
              if (p.ts > st.maxTs) st.maxTs = p.ts;
              if (st.seen.size > 64 && st.seen.size % 64 === 0) prune(st);
              if (st.seen.size > MAX_TIMESTAMPS_PER_KEY) st.seen.delete(st.seen.values().next().value!);
            }
          } else {
            dup = st.lastValue !== undefined && p.value === st.lastValue && p.ts - st.lastKeptTs < heartbeat;
            if (!dup) { st.lastValue = p.value; st.lastKeptTs = p.ts; }
          }
          if (dup) { dups.push(p); dropped++; } else out.push(p);
        }
        errors.report(io);
      },
      stats: () => ({ keys: keys.size, duplicates: dropped }),
    };
  },
};
