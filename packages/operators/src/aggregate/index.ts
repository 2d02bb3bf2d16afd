/**
 * aggregate: tumbling or hopping event-time windows of any duration, keyed by device and metric.
 * Emits one point per function per window on `out` (metric `<metric>_<fn>`, ts = window start,
 * tag `window`), the full window row on `rollup`, and — with keepRaw — the raw points on `raw`.
 * Late points within `lateness` update their window and re-emit it; later ones, points from a
 * device clock far in the future, and keys beyond the node's cap go to the error path, counted.
 */
import type { Point } from '@outpost/contract';
import {
  AddOutcome, KeyedWindows, formatDuration, parseDuration, percentileName, DURATION_PATTERN,
  type OperatorDefinition, type Rollup,
} from '@outpost/engine';
import { CountedErrors } from '../shared/counted-errors.js';

const BASIC = ['avg', 'min', 'max', 'sum', 'count', 'stddev', 'first', 'last'] as const;
const PERCENTILE = '^p(100|[1-9]?[0-9](\\.[0-9]{1,3})?)$';
/** Limits that keep one node's memory and per-point work bounded (see docs/engine.md). */
export const MAX_WINDOW_MS = 31 * 86_400_000;
export const MAX_WINDOWS_PER_POINT = 60;

const duration = { oneOf: [{ type: 'string', pattern: DURATION_PATTERN }, { type: 'integer', minimum: 0 }] } as const;

export const aggregate: OperatorDefinition = {
  kind: 'aggregate',
  typeVersion: 1,
  title: 'Aggregate',
  description: 'Tumbling or hopping windows per device and metric: avg, min, max, sum, count, stddev, first, last and percentiles (p50, p95, p99.9 …).',
  configSchema: {
    type: 'object',
    required: ['window', 'functions'],
    additionalProperties: false,
    properties: {
      window: {
        type: 'object', required: ['type', 'size'], additionalProperties: false,
        properties: { type: { enum: ['tumbling', 'hopping'] }, size: duration, hop: duration },
      },
      functions: { type: 'array', minItems: 1, uniqueItems: true, items: { anyOf: [{ enum: [...BASIC] }, { type: 'string', pattern: PERCENTILE }] } },
      lateness: { ...duration, description: 'How long after its end a window still takes late points (default 0).' },
      keepRaw: { type: 'boolean', description: 'Also pass the raw points on the `raw` port (default false).' },
      maxKeys: { type: 'integer', minimum: 1, description: 'Cap on device+metric keys (default: the host limit, 100 000).' },
      idle: { ...duration, description: 'Close windows of a key after this much host time without points (default: window size).' },
    },
  },
  inputs: [{ name: 'in', accepts: ['point'] }],
  outputs: [
    { name: 'out', type: 'point', doc: 'one point per function and window' },
    { name: 'rollup', type: 'rollup', doc: 'one row per window (all statistics)' },
    { name: 'raw', type: 'point', doc: 'the input points, when keepRaw is true' },
  ],
  create(config, ctx) {
    const c = config as { window: { type: string; size: string | number; hop?: string | number }; functions: string[]; lateness?: string | number; keepRaw?: boolean; maxKeys?: number; idle?: string | number };
    const sizeMs = parseDuration(c.window.size) ?? 0;
    const hopMs = c.window.type === 'hopping' ? parseDuration(c.window.hop ?? '') ?? 0 : sizeMs;
    const latenessMs = parseDuration(c.lateness ?? 0) ?? 0;
    const bad = (path: string, message: string) => ctx.report({ code: 'ERR_PIPELINE_INVALID', path, message });
    if (sizeMs <= 0) bad('/config/window/size', 'window size must be more than 0');
    if (sizeMs > MAX_WINDOW_MS) bad('/config/window/size', `window size ${formatDuration(sizeMs)} is larger than the maximum of ${formatDuration(MAX_WINDOW_MS)}`);
    if (c.window.type === 'hopping') {
      if (c.window.hop === undefined || hopMs <= 0) bad('/config/window/hop', 'a hopping window needs a hop greater than 0');
      else if (hopMs > sizeMs) bad('/config/window/hop', `hop ${formatDuration(hopMs)} is longer than the window ${formatDuration(sizeMs)} (points would fall between windows)`);
      else if (sizeMs / hopMs > MAX_WINDOWS_PER_POINT) bad('/config/window/hop', `size/hop = ${Math.ceil(sizeMs / hopMs)} overlapping windows per point; at most ${MAX_WINDOWS_PER_POINT}`);
    } else if (c.window.hop !== undefined) bad('/config/window/hop', 'hop is only for hopping windows');
    if (latenessMs > MAX_WINDOW_MS) bad('/config/lateness', `lateness is larger than the maximum of ${formatDuration(MAX_WINDOW_MS)}`);
    const percentiles = c.functions.filter((f) => /^p[0-9]/.test(f)).map((f) => Number(f.slice(1)) / 100);
    if (sizeMs <= 0 || hopMs <= 0 || hopMs > sizeMs || sizeMs / hopMs > MAX_WINDOWS_PER_POINT) return { process() {} };

    const windows = new KeyedWindows({
      sizeMs, hopMs, latenessMs, percentiles,
      maxKeys: c.maxKeys ?? ctx.limits.maxKeysPerNode,
      maxFutureSkewMs: ctx.limits.maxFutureSkewMs,
      idleMs: parseDuration(c.idle ?? sizeMs) ?? sizeMs,
    });
    const label = formatDuration(sizeMs);
    const fns = c.functions;
    const errors = new CountedErrors();
    let warnedCap = false;

    const emit = (rows: Rollup[], out: unknown[], rollups: unknown[]) => {
      for (const r of rows) {
        rollups.push(r);
        for (const fn of fns) {
          const v = valueOf(r, fn);
          const p: Point = { device: r.device, metric: `${r.metric}_${fn}`, ts: r.start, value: v, tags: { window: label } };
          if (v === null) p.quality = 'bad';
          if (r.unit !== undefined && fn !== 'count') p.unit = r.unit;
          out.push(p);
        }
      }
    };

    return {
      process(_port, items, io) {
        const now = ctx.clock.now();
        for (const p of items as readonly Point[]) {
          const r = windows.add(p, now);
          if (r === AddOutcome.Ok) continue;
          if (r === AddOutcome.Late) errors.add('ERR_ENGINE_LATE', `node '${ctx.nodeId}': point at ${new Date(p.ts).toISOString()} is later than the allowed lateness (${formatDuration(latenessMs)}) of its ${label} window`, p);
          else if (r === AddOutcome.Future) errors.add('ERR_ENGINE_LATE', `node '${ctx.nodeId}': point at ${new Date(p.ts).toISOString()} is more than ${formatDuration(ctx.limits.maxFutureSkewMs)} ahead of the clock (device clock jump?)`, p);
          else {
            errors.add('ERR_ENGINE_KEY_LIMIT', `node '${ctx.nodeId}': window key cap of ${windows.keys} device+metric keys reached; new keys are rejected`, p);
            if (!warnedCap) { warnedCap = true; ctx.logger.warn({ nodeId: ctx.nodeId, pipelineId: ctx.pipelineId, maxKeys: windows.keys }, 'aggregate window key cap reached'); }
          }
        }
        if (c.keepRaw) io.emitAll('raw', items);
        emit(windows.drain(), io.out('out'), io.out('rollup'));
        errors.report(io);
      },
      tick(now, io) {
        windows.tick(now);
        emit(windows.drain(), io.out('out'), io.out('rollup'));
      },
      flush(io) {
        emit(windows.flushAll(), io.out('out'), io.out('rollup'));
      },
      stats: () => ({ keys: windows.keys, ...windows.counters }),
    };
  },
};

function valueOf(r: Rollup, fn: string): number | string | boolean | null {
  switch (fn) {
    case 'avg': return r.avg;
    case 'min': return r.min;
    case 'max': return r.max;
    case 'sum': return r.sum;
    case 'count': return r.count;
    case 'stddev': return r.stddev;
    case 'first': return r.first;
    case 'last': return r.last;
    default: return r.percentiles?.[percentileName(Number(fn.slice(1)) / 100)] ?? null;
  }
}
