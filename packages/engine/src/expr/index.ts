import { OutpostError, type Point } from '@outpost/contract';
import type { NodeIO, OperatorContext } from '../types.js';
import { compileExpression, EvalFailure, type CompiledExpression } from './compile.js';
import type { ExprType } from './functions.js';

export { compileExpression, EvalFailure, FIELDS, type CompiledExpression, type ExprProblem, type Evaluator } from './compile.js';
export { FUNCTIONS, type EvalScope, type ExprType, type FnSpec } from './functions.js';
export { parseExpression, ExprSyntaxError, type Ast } from './parser.js';
export { PointMemory } from './memory.js';

/**
 * Compile an expression from a node's config, reporting problems against the node (with the
 * config path and character position) instead of throwing, so every problem is collected.
 */
export function compileNodeExpression(ctx: OperatorContext, source: string, path: string, expect?: ExprType): CompiledExpression | undefined {
  const r = compileExpression(source, expect ? { expect } : {});
  if (r.ok) return r.expr;
  for (const p of r.problems) {
    ctx.report({ code: 'ERR_PIPELINE_EXPRESSION', path, position: p.pos, message: `${path.split('/').pop()}: ${p.message} at position ${p.pos} in "${source}"` });
  }
  return undefined;
}

/** Send one point's evaluation failure to the error path, naming the node, expression and position. */
export function reportEvalFailure(io: NodeIO, nodeId: string, e: unknown, p: Point, expr: CompiledExpression): void {
  if (e instanceof EvalFailure) {
    io.error(new OutpostError('ERR_ENGINE_EVAL', `node '${nodeId}': ${e.message} at position ${e.pos} in "${expr.source}"`, { position: e.pos, expression: expr.source }), p);
  } else {
    throw e;
  }
}
