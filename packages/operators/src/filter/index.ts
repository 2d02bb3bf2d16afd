/**
 * filter: keeps points for which a boolean expression holds (`out`); the others go to `rejected`
 * for whoever wants them. A point whose expression fails (division by zero, a string where a
 * number was expected) goes to the error path with the position of the failure.
 */
import type { Point } from '@outpost/contract';
import { PointMemory, compileNodeExpression, reportEvalFailure, type OperatorDefinition } from '@outpost/engine';

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
            if (ev(p, memory) === true) { out.push(p); kept++; } else { rejected.push(p); rejectedCount++; }
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
