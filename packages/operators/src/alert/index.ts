/**
 * alert: raises an alert event for every point that meets a condition and hands the events to the
 * host's AlertSink (the alert rules module decides about de-bouncing, notification and state).
 * The matching points also leave on `out`, so a pipeline can store or forward what alerted.
 */
import type { Point } from '@outpost/contract';
import { EvalFailure, PointMemory, compileNodeExpression, reportEvalFailure, type AlertEvent, type OperatorDefinition } from '@outpost/engine';
import { handOff } from '../shared/hand-off.js';

export const alert: OperatorDefinition = {
  kind: 'alert',
  typeVersion: 1,
  title: 'Alert',
  description: 'Raises an alert for points that meet a condition, e.g. `value > 90`; the message may use {device}, {metric}, {value}, {unit}, {ts}.',
  configSchema: {
    type: 'object',
    required: ['rule', 'when'],
    additionalProperties: false,
    properties: {
      rule: { type: 'string', minLength: 1, maxLength: 200, description: 'Name of the alert rule.' },
      when: { type: 'string', minLength: 1, maxLength: 4000, description: 'Boolean expression.' },
      severity: { enum: ['info', 'warning', 'critical'], description: 'Default warning.' },
      message: { type: 'string', maxLength: 1000 },
    },
  },
  inputs: [{ name: 'in', accepts: ['point'] }],
  outputs: [{ name: 'out', type: 'point', doc: 'points that raised an alert' }],
  create(config, ctx) {
    const sink = ctx.host.sinks?.alert;
    if (!sink) ctx.report({ code: 'ERR_PIPELINE_UNSUPPORTED', path: '/config', message: 'alert nodes need an alert sink, and this host provides none' });
    const when = compileNodeExpression(ctx, config.when as string, '/config/when', 'boolean');
    const rule = config.rule as string;
    const severity = (config.severity as AlertEvent['severity'] | undefined) ?? 'warning';
    const template = (config.message as string | undefined) ?? `${rule}: {device} {metric} = {value}{unit}`;
    const memory = new PointMemory(ctx.clock, ctx.limits.maxKeysPerNode);
    const remember = when !== undefined && (when.usesPrev || when.usesLast);
    let raised = 0;
    return {
      async process(_port, items, io) {
        if (!when || !sink) return;
        const events: AlertEvent[] = [];
        const out = io.out('out');
        for (const p of items as readonly Point[]) {
          try {
            const v = when.eval(p, memory);
            if (v !== true && v !== false && v !== null) throw new EvalFailure(`the condition gave ${typeof v} ${JSON.stringify(v)}, expected a boolean`, 1);
            if (v === true) {
              events.push({ pipelineId: ctx.pipelineId, nodeId: ctx.nodeId, rule, severity, message: render(template, p), ts: p.ts, item: p });
              out.push(p);
            }
          } catch (e) {
            reportEvalFailure(io, ctx.nodeId, e, p, when);
          }
          if (remember) memory.observe(p);
        }
        if (events.length === 0) return;
        raised += events.length;
        await handOff(io, ctx.nodeId, 'alert sink', events, () => sink.raise(events));
      },
      stats: () => ({ raised }),
    };
  },
};

function render(template: string, p: Point): string {
  return template.replace(/\{(device|metric|value|unit|ts)\}/g, (_m, k: string) => {
    if (k === 'ts') return new Date(p.ts).toISOString();
    if (k === 'unit') return p.unit ? ` ${p.unit}` : '';
    return String(p[k as 'device' | 'metric' | 'value']);
  });
}
