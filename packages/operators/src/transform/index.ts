/**
 * transform: an ordered list of operations on each point — set a field from an expression, set a
 * tag, rename metrics, convert units, derive extra metrics. The input point is never changed: a
 * point that an operation touches is copied once (tags copied when a tag changes).
 */
import type { Point, PointValue } from '@outpost/contract';
import { OutpostError } from '@outpost/contract';
import { PointMemory, compileNodeExpression, reportEvalFailure, type CompiledExpression, type EvalScope, type OperatorDefinition } from '@outpost/engine';
import { nameMatcher } from '../shared/patterns.js';
import { UNITS, unitConverter } from './units.js';

type Op =
  | { op: 'set'; field: 'value' | 'unit' | 'metric' | 'quality'; expression: string }
  | { op: 'tag'; name: string; expression: string }
  | { op: 'removeTags'; names: string[] }
  | { op: 'rename'; metrics: Record<string, string> }
  | { op: 'convert'; from: string; to: string; metrics?: string[] }
  | { op: 'derive'; metric: string; expression: string; unit?: string };

const expression = { type: 'string', minLength: 1, maxLength: 4000 } as const;
const opSchemas = [
  { type: 'object', required: ['op', 'field', 'expression'], additionalProperties: false, properties: { op: { const: 'set' }, field: { enum: ['value', 'unit', 'metric', 'quality'] }, expression } },
  { type: 'object', required: ['op', 'name', 'expression'], additionalProperties: false, properties: { op: { const: 'tag' }, name: { type: 'string', minLength: 1 }, expression } },
  { type: 'object', required: ['op', 'names'], additionalProperties: false, properties: { op: { const: 'removeTags' }, names: { type: 'array', items: { type: 'string' }, minItems: 1 } } },
  { type: 'object', required: ['op', 'metrics'], additionalProperties: false, properties: { op: { const: 'rename' }, metrics: { type: 'object', additionalProperties: { type: 'string', minLength: 1 }, minProperties: 1 } } },
  { type: 'object', required: ['op', 'from', 'to'], additionalProperties: false, properties: { op: { const: 'convert' }, from: { enum: UNITS }, to: { enum: UNITS }, metrics: { type: 'array', items: { type: 'string' }, minItems: 1 } } },
  { type: 'object', required: ['op', 'metric', 'expression'], additionalProperties: false, properties: { op: { const: 'derive' }, metric: { type: 'string', minLength: 1 }, expression, unit: { type: 'string' } } },
];

type Step = (p: Point, src: Point, emit: Point[]) => Point; // returns the (possibly copied) point

export const transform: OperatorDefinition = {
  kind: 'transform',
  typeVersion: 1,
  title: 'Transform',
  description: 'Sets fields and tags from expressions, renames metrics, converts units and derives new metrics, in the order given.',
  configSchema: {
    type: 'object',
    required: ['ops'],
    additionalProperties: false,
    properties: { ops: { type: 'array', minItems: 1, maxItems: 100, items: { type: 'object', required: ['op'], discriminator: { propertyName: 'op' }, oneOf: opSchemas } } },
  },
  inputs: [{ name: 'in', accepts: ['point'] }],
  outputs: [{ name: 'out', type: 'point' }],
  create(config, ctx) {
    const ops = config.ops as Op[];
    const memory = new PointMemory(ctx.clock, ctx.limits.maxKeysPerNode);
    const exprs: CompiledExpression[] = [];
    const compile = (src: string, i: number, expect?: 'string') => {
      const e = compileNodeExpression(ctx, src, `/config/ops/${i}/expression`, expect);
      if (e) exprs.push(e);
      return e;
    };
    // Expressions see the point as transformed so far, but prev/last() always refer to the input
    // point's device and metric (a rename earlier in the list must not change what "previous" means).
    let failed: CompiledExpression | undefined;
    let source: Point | undefined;
    const scope: EvalScope = {
      now: () => memory.now(),
      prev: () => memory.prev(source!),
      prevTs: () => memory.prevTs(source!),
      last: (_p, metric) => memory.last(source!, metric),
    };
    const evalOn = (e: CompiledExpression, p: Point): unknown => { failed = e; return e.eval(p, scope); };
    const copy = (p: Point, src: Point): Point => (p === src ? { ...p } : p);
    const steps: Step[] = ops.map((op, i): Step => {
      switch (op.op) {
        case 'set': {
          const e = compile(op.expression, i);
          const f = op.field;
          return (p, src) => {
            const v = e ? evalOn(e, p) : null;
            const q = copy(p, src);
            if (f === 'value') {
              if (v !== null && typeof v !== 'number' && typeof v !== 'boolean' && typeof v !== 'string') throw new OutpostError('ERR_ENGINE_EVAL', `node '${ctx.nodeId}': ops[${i}] gave a value that is not a number, boolean or string`);
              q.value = v as PointValue | null;
              if (v === null) q.quality = 'bad'; // a null value is only valid as a flagged gap
            } else if (f === 'unit') {
              if (v === null) delete q.unit; else q.unit = String(v);
            } else if (f === 'metric') {
              if (typeof v !== 'string' || v === '') throw new OutpostError('ERR_ENGINE_EVAL', `node '${ctx.nodeId}': ops[${i}] must give a non-empty metric name, got ${JSON.stringify(v)}`);
              q.metric = v;
            } else {
              if (v !== 'good' && v !== 'uncertain' && v !== 'bad') throw new OutpostError('ERR_ENGINE_EVAL', `node '${ctx.nodeId}': ops[${i}] must give 'good', 'uncertain' or 'bad', got ${JSON.stringify(v)}`);
              q.quality = v;
            }
            return q;
          };
        }
        case 'tag': {
          const e = compile(op.expression, i);
          const name = op.name;
          return (p, src) => {
            const v = e ? evalOn(e, p) : null;
            const q = copy(p, src);
            const tags = { ...q.tags };
            if (v === null) delete tags[name]; else tags[name] = String(v);
            q.tags = tags;
            return q;
          };
        }
        case 'removeTags': {
          const names = op.names;
          return (p, src) => {
            if (!p.tags || !names.some((n) => n in p.tags!)) return p;
            const q = copy(p, src);
            const tags = { ...q.tags };
            for (const n of names) delete tags[n];
            q.tags = tags;
            return q;
          };
        }
        case 'rename': {
          const map = new Map(Object.entries(op.metrics));
          return (p, src) => {
            const to = map.get(p.metric);
            if (to === undefined) return p;
            const q = copy(p, src);
            q.metric = to;
            return q;
          };
        }
        case 'convert': {
          const conv = unitConverter(op.from, op.to);
          if (typeof conv === 'string') {
            ctx.report({ code: 'ERR_PIPELINE_INVALID', path: `/config/ops/${i}`, message: `ops[${i}]: ${conv}` });
            return (p) => p;
          }
          const from = op.from, to = op.to;
          const only = nameMatcher(op.metrics);
          return (p, src) => {
            if (p.unit !== from || typeof p.value !== 'number' || (only && !only(p.metric))) return p;
            const q = copy(p, src);
            q.value = conv(p.value);
            q.unit = to;
            return q;
          };
        }
        case 'derive': {
          const e = compile(op.expression, i);
          const { metric, unit } = op;
          return (p, _src, emit) => {
            const v = e ? evalOn(e, p) : null;
            const d: Point = { device: p.device, metric, ts: p.ts, value: v as PointValue | null };
            if (unit !== undefined) d.unit = unit;
            if (v === null) d.quality = 'bad';
            else if (p.quality !== undefined) d.quality = p.quality;
            if (p.tags) d.tags = p.tags;
            emit.push(d);
            return p;
          };
        }
      }
    });
    const remember = exprs.some((e) => e.usesPrev || e.usesLast);
    let transformed = 0, derived = 0;
    return {
      process(_port, items, io) {
        const out = io.out('out');
        const extra: Point[] = [];
        for (const src of items as readonly Point[]) {
          let p = src;
          source = src;
          try {
            for (let i = 0; i < steps.length; i++) p = steps[i]!(p, src, extra);
          } catch (e) {
            extra.length = 0;
            if (e instanceof OutpostError) io.error(e, src);
            else if (failed) reportEvalFailure(io, ctx.nodeId, e, src, failed);
            else throw e;
            if (remember) memory.observe(src);
            continue;
          }
          out.push(p);
          transformed++;
          if (extra.length > 0) { for (const d of extra) out.push(d); derived += extra.length; extra.length = 0; }
          if (remember) memory.observe(src);
        }
      },
      stats: () => ({ transformed, derived, rememberedKeys: memory.keys }),
    };
  },
};
