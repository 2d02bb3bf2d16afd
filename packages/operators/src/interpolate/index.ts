/**
 * interpolate: fills gaps in a numeric series per device+metric. When the time since the last
 * good point exceeds `interval` (but not `maxGap`), points are synthesised on the interval grid
 * from the last good point: `linear` between the two values, `previous` holding the last value.
 * Synthesised points carry quality 'uncertain'. Gap points (null value, quality 'bad') are
 * dropped with `linear` (the gap is filled once the next good point shows where the line goes)
 * and replaced by the last good value with `previous`; with fillBad false they pass through.
 */
import type { Point } from '@outpost/contract';
import { DURATION_PATTERN, parseDuration, type OperatorDefinition } from '@outpost/engine';
import { CountedErrors } from '../shared/counted-errors.js';

const duration = { oneOf: [{ type: 'string', pattern: DURATION_PATTERN }, { type: 'integer', minimum: 1 }] } as const;
/** At most this many points are synthesised for one gap, whatever interval and maxGap say. */
export const MAX_FILL_PER_GAP = 10_000;

export const interpolate: OperatorDefinition = {
  kind: 'interpolate',
  typeVersion: 1,
  title: 'Interpolate',
  description: 'Fills gaps in numeric series on a regular interval, linearly or by holding the previous value.',
  configSchema: {
    type: 'object',
    required: ['interval'],
    additionalProperties: false,
    properties: {
      interval: { ...duration, description: 'Expected sampling interval.' },
      maxGap: { ...duration, description: 'Gaps longer than this are left alone (default 10 × interval).' },
      method: { enum: ['linear', 'previous'], description: 'Default linear.' },
      fillBad: { type: 'boolean', description: 'Treat null-valued (bad) points as gaps (default true).' },
      maxKeys: { type: 'integer', minimum: 1 },
    },
  },
  inputs: [{ name: 'in', accepts: ['point'] }],
  outputs: [{ name: 'out', type: 'point' }],
  create(config, ctx) {
    const interval = parseDuration(config.interval) ?? 0;
    const maxGap = config.maxGap === undefined ? interval * 10 : parseDuration(config.maxGap) ?? 0;
    const linear = (config.method ?? 'linear') === 'linear';
    const fillBad = (config.fillBad as boolean | undefined) ?? true;
    const maxKeys = (config.maxKeys as number | undefined) ?? ctx.limits.maxKeysPerNode;
    if (interval <= 0) {
      ctx.report({ code: 'ERR_PIPELINE_INVALID', path: '/config/interval', message: 'interval must be more than 0' });
      return { process() {} };
    }
    if (maxGap / interval > MAX_FILL_PER_GAP) {
      ctx.report({ code: 'ERR_PIPELINE_INVALID', path: '/config/maxGap', message: `maxGap/interval would synthesise up to ${Math.floor(maxGap / interval)} points per gap; at most ${MAX_FILL_PER_GAP}` });
    }
    const last = new Map<string, { ts: number; value: number }>();
    const errors = new CountedErrors();
    let filled = 0;
    return {
      process(_port, items, io) {
        const out = io.out('out');
        for (const p of items as readonly Point[]) {
          if (p.value === null && fillBad) {
            if (!linear) {
              const prev = last.get(`${p.device}\u0000${p.metric}`);
              // The held value now stands at this timestamp, so a later gap is filled from here.
              if (prev) { out.push({ ...p, value: prev.value, quality: 'uncertain' }); filled++; if (p.ts > prev.ts) prev.ts = p.ts; }
            }
            continue;
          }
          if (typeof p.value !== 'number') { out.push(p); continue; }
          const key = `${p.device}\u0000${p.metric}`;
          const prev = last.get(key);
          if (!prev) {
            if (last.size >= maxKeys) { errors.add('ERR_ENGINE_KEY_LIMIT', `node '${ctx.nodeId}': key cap of ${maxKeys} reached; points of new keys pass through without interpolation`, p); out.push(p); continue; }
            last.set(key, { ts: p.ts, value: p.value });
            out.push(p);
            continue;
          }
          const gap = p.ts - prev.ts;
          if (gap > interval && gap <= maxGap) {
            const slope = (p.value - prev.value) / gap;
            // Stop half an interval short of the real point so no synthetic point sits right beside it.
            for (let t = prev.ts + interval; t <= p.ts - interval / 2; t += interval) {
              const q: Point = { device: p.device, metric: p.metric, ts: t, value: linear ? prev.value + slope * (t - prev.ts) : prev.value, quality: 'uncertain' };
              if (p.unit !== undefined) q.unit = p.unit;
              if (p.tags) q.tags = p.tags;
              out.push(q);
              filled++;
            }
          }
          out.push(p);
          if (p.ts > prev.ts) { prev.ts = p.ts; prev.value = p.value; }
        }
        errors.report(io);
      },
      stats: () => ({ keys: last.size, filled }),
    };
  },
};
