/**
 * filter: keeps points for which a boolean expression holds (`out`); the others go to `rejected`
 * for whoever wants them. A point whose expression fails (division by zero, a string where a
 * number was expected) goes to the error path with the position of the failure.
 */
import type { Point } from '@outpost/contract';
import { EvalFailure, PointMemory, compileNodeExpression, reportEvalFailure, type OperatorDefinition } from '@outpost/engine';

export const filter: OperatorDefinition = {
  kind: 'filter',
  typeVersion: 1,
  title: 'Filter',
  description: 'Keeps the points for which an expression is true, e.g. `value > 50 && tags.line == "3"`.',
  configSchema: {
    type: 'object',
    required: ['expression'],
    additionalProperties: false,
    properties: { expression: { type: 'string', minLength: 1, maxLength: 4000, description: 'Boolean expression; null counts as false.' } },
  },
  inputs: [{ name: 'in', accepts: ['point'] }],
  outputs: [{ name: 'out', type: 'point' }, { name: 'rejected', type: 'point', doc: 'points for which the expression is false or null' }],
  create(config, ctx) {
    const expr = compileNodeExpression(ctx, config.expression as string, '/config/expression', 'boolean');
    const memory = new PointMemory(ctx.clock, ctx.limits.maxKeysPerNode);
    const remember = expr !== undefined && (expr.usesPrev || expr.usesLast);
    let kept = 0, rejectedCount = 0;
    return {
      process(_port, items, io) {
        if (!expr) return;
        const out = io.out('out');
        const rejected = io.out('rejected');
        const ev = expr.eval;
        for (const p of items as readonly Point[]) {
          try {
            const v = ev(p, memory);
            if (v === true) { out.push(p); kept++; }
            else if (v === false || v === null) { rejected.push(p); rejectedCount++; }
            else throw new EvalFailure(`the expression gave ${typeof v} ${JSON.stringify(v)}, expected a boolean`, 1);
          } catch (e) {
            reportEvalFailure(io, ctx.nodeId, e, p, expr);
          }
          if (remember) memory.observe(p);
        }
      },
      stats: () => ({ kept, rejected: rejectedCount, rememberedKeys: memory.keys, rememberDropped: memory.dropped }),
    };
  },
};
