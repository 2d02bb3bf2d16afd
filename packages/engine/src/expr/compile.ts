/**
 * Type-checks an expression AST and compiles it once into nested closures (no eval, no
 * `Function`): evaluating a point is a few direct calls. Statically known type errors and
 * unknown names are compile errors with their position; type errors that depend on data (a
 * string where a number was expected) raise EvalFailure for that one point.
 */
import type { Point } from '@outpost/contract';
import { parseExpression, ExprSyntaxError, type Ast } from './parser.js';
import { FUNCTIONS, type EvalScope, type ExprType } from './functions.js';

export type Evaluator = (p: Point, s: EvalScope) => unknown;

export interface CompiledExpression {
  source: string;
  type: ExprType;
  /** Reads `prev`/`prev_ts`: the node must remember the previous value per device+metric. */
  usesPrev: boolean;
  /** Calls last(): the node must remember the latest value per device and metric. */
  usesLast: boolean;
  eval: Evaluator;
}

export interface ExprProblem { message: string; pos: number }

/** A run-time failure for one point (division by zero, wrong value type). */
export class EvalFailure extends Error {
  constructor(message: string, readonly pos: number) { super(message); }
}

export const FIELDS: Record<string, { type: ExprType; doc: string }> = {
  value: { type: 'any', doc: 'the value (number, boolean, string, or null for a gap)' },
  ts: { type: 'number', doc: 'timestamp, epoch ms' },
  device: { type: 'string', doc: 'device id' },
  metric: { type: 'string', doc: 'metric name' },
  unit: { type: 'any', doc: 'unit, or null' },
  quality: { type: 'string', doc: "'good', 'uncertain' or 'bad'" },
  prev: { type: 'any', doc: 'previous value of this device+metric, or null' },
  prev_ts: { type: 'any', doc: 'timestamp of the previous value, or null' },
};

const ARITH = new Set(['+', '-', '*', '/', '%', '**']);
const ORDER = new Set(['<', '<=', '>', '>=']);

export function compileExpression(
  source: string,
  opts: { expect?: ExprType } = {},
): { ok: true; expr: CompiledExpression } | { ok: false; problems: ExprProblem[] } {
  let ast: Ast;
  try {
    ast = parseExpression(source);
  } catch (e) {
    if (e instanceof ExprSyntaxError) return { ok: false, problems: [{ message: `syntax error: ${e.message}`, pos: e.pos }] };
    throw e;
  }
  const problems: ExprProblem[] = [];
  const flags = { usesPrev: false, usesLast: false };
  const c = build(ast, problems, flags);
  if (problems.length === 0 && opts.expect && opts.expect !== 'any' && c.type !== 'any' && c.type !== 'null' && c.type !== opts.expect) {
    problems.push({ message: `expected a ${opts.expect} result, but the expression gives a ${c.type}`, pos: 1 });
  }
  if (problems.length > 0) return { ok: false, problems };
  return { ok: true, expr: { source, type: c.type, ...flags, eval: c.fn } };
}

interface Built { fn: Evaluator; type: ExprType; constant: boolean }

function build(a: Ast, problems: ExprProblem[], flags: { usesPrev: boolean; usesLast: boolean }): Built {
  const rec = (x: Ast) => build(x, problems, flags);
  switch (a.t) {
    case 'lit': {
      const v = a.v;
      return { fn: () => v, type: v === null ? 'null' : (typeof v as ExprType), constant: true };
    }
    case 'tag': {
      const name = a.name;
      // Own properties only: `tags.__proto__` must not reach Object.prototype.
      return { fn: (p) => { const t = p.tags; return t !== undefined && Object.hasOwn(t, name) ? t[name]! : null; }, type: 'any', constant: false };
    }
    case 'ident':
      return field(a.name, a.pos, problems, flags);
    case 'unary': {
      const arg = rec(a.arg);
      const pos = a.pos;
      const f = arg.fn;
      if (a.op === '-') {
        checkType(arg.type, 'number', `operator '-'`, pos, problems);
        return fold({ fn: (p, s) => { const v = f(p, s); return v === null ? null : -numberAt(v, "operator '-'", pos); }, type: 'number', constant: arg.constant }, pos, problems);
      }
      checkType(arg.type, 'boolean', `operator '!'`, pos, problems);
      return fold({ fn: (p, s) => !truth(f(p, s), pos), type: 'boolean', constant: arg.constant }, pos, problems);
    }
    case 'binary':
      return binary(a.op, rec(a.l), rec(a.r), a.pos, problems);
    case 'cond': {
      const t = rec(a.test), x = rec(a.a), y = rec(a.b);
      checkType(t.type, 'boolean', 'condition of ?:', a.pos, problems);
      const tf = t.fn, xf = x.fn, yf = y.fn, pos = a.pos;
      return fold({
        fn: (p, s) => (truth(tf(p, s), pos) ? xf(p, s) : yf(p, s)),
        type: x.type === y.type ? x.type : 'any',
        constant: t.constant && x.constant && y.constant,
      }, pos, problems);
    }
    case 'call':
      return call(a.name, a.args.map(rec), a.pos, problems, flags);
  }
}

function field(name: string, pos: number, problems: ExprProblem[], flags: { usesPrev: boolean }): Built {
  const spec = Object.hasOwn(FIELDS, name) ? FIELDS[name] : undefined;
  if (!spec) {
    const hint = Object.hasOwn(FUNCTIONS, name) ? ` (${name} is a function: call it as ${name}(...))` : `; known fields: ${Object.keys(FIELDS).join(', ')}, tags.<name>`;
    problems.push({ message: `unknown field '${name}'${hint}`, pos });
    return { fn: () => null, type: 'any', constant: false };
  }
  const mk = (fn: Evaluator): Built => ({ fn, type: spec.type, constant: false });
  switch (name) {
    case 'value': return mk((p) => p.value);
    case 'ts': return mk((p) => p.ts);
    case 'device': return mk((p) => p.device);
    case 'metric': return mk((p) => p.metric);
    case 'unit': return mk((p) => p.unit ?? null);
    case 'quality': return mk((p) => p.quality ?? 'good');
    case 'prev': flags.usesPrev = true; return mk((p, s) => s.prev(p));
    default: flags.usesPrev = true; return mk((p, s) => s.prevTs(p));
  }
}

function binary(op: string, l: Built, r: Built, pos: number, problems: ExprProblem[]): Built {
  const lf = l.fn, rf = r.fn;
  const constant = l.constant && r.constant;
  if (op === '&&' || op === '||') {
    checkType(l.type, 'boolean', `operator '${op}'`, pos, problems);
    checkType(r.type, 'boolean', `operator '${op}'`, pos, problems);
    const fn: Evaluator = op === '&&'
      ? (p, s) => truth(lf(p, s), pos) && truth(rf(p, s), pos)
      : (p, s) => truth(lf(p, s), pos) || truth(rf(p, s), pos);
    return fold({ fn, type: 'boolean', constant }, pos, problems);
  }
  if (op === '==' || op === '!=') {
    const eq = op === '==';
    return fold({ fn: (p, s) => (lf(p, s) === rf(p, s)) === eq, type: 'boolean', constant }, pos, problems);
  }
  if (ORDER.has(op)) {
    if (l.type !== 'any' && r.type !== 'any' && l.type !== 'null' && r.type !== 'null' && (l.type !== r.type || l.type === 'boolean')) {
      problems.push({ message: `operator '${op}' compares two numbers or two strings, not ${l.type} and ${r.type}`, pos });
    }
    const cmp = ORDER_FNS[op]!;
    // Fast path for the common `field > constant` shape.
    if (r.constant && problems.length === 0 && typeof safeConst(r) === 'number') {
      const c = safeConst(r) as number;
      return fold({ fn: (p, s) => { const x = lf(p, s); return typeof x === 'number' ? cmp(x, c) : compareSlow(op, x, c, pos); }, type: 'boolean', constant }, pos, problems);
    }
    return fold({ fn: (p, s) => compareSlow(op, lf(p, s), rf(p, s), pos), type: 'boolean', constant }, pos, problems);
  }
  if (ARITH.has(op)) {
    const strings = op === '+' && l.type === 'string' && r.type === 'string';
    if (!strings) {
      checkType(l.type, 'number', `operator '${op}'`, pos, problems);
      checkType(r.type, 'number', `operator '${op}'`, pos, problems);
    }
    if ((op === '/' || op === '%') && r.constant && problems.length === 0 && safeConst(r) === 0) {
      problems.push({ message: `division by zero`, pos });
    }
    const f = ARITH_FNS[op]!;
    const fn: Evaluator = (p, s) => {
      const x = lf(p, s), y = rf(p, s);
      if (typeof x === 'number' && typeof y === 'number') {
        if (y === 0 && (op === '/' || op === '%')) throw new EvalFailure('division by zero', pos);
        return f(x, y);
      }
      if (x === null || y === null) return null;
      if (op === '+' && typeof x === 'string' && typeof y === 'string') return x + y;
      throw new EvalFailure(`operator '${op}' expects numbers, got ${kind(x)} and ${kind(y)}`, pos);
    };
    return fold({ fn, type: strings ? 'string' : 'number', constant }, pos, problems);
  }
  problems.push({ message: `unknown operator '${op}'`, pos });
  return { fn: () => null, type: 'any', constant: false };
}

function call(name: string, args: Built[], pos: number, problems: ExprProblem[], flags: { usesLast: boolean }): Built {
  const spec = Object.hasOwn(FUNCTIONS, name) ? FUNCTIONS[name] : undefined;
  if (!spec) {
    problems.push({ message: `unknown function '${name}()'; known functions: ${Object.keys(FUNCTIONS).join(', ')}`, pos });
    return { fn: () => null, type: 'any', constant: false };
  }
  const min = spec.args.length - (spec.optional ?? 0);
  const max = spec.rest ? Infinity : spec.args.length;
  if (args.length < min || args.length > max) {
    const want = max === Infinity ? `at least ${min}` : min === max ? `${min}` : `${min} to ${max}`;
    problems.push({ message: `${name}() takes ${want} argument${want === '1' ? '' : 's'}, got ${args.length}`, pos });
    return { fn: () => null, type: spec.returns, constant: false };
  }
  const types = args.map((_, i) => spec.args[i] ?? spec.rest ?? 'any');
  args.forEach((a, i) => checkType(a.type, types[i]!, `argument ${i + 1} of ${name}()`, pos, problems));
  if (name === 'last') flags.usesLast = true;
  const fns = args.map((a) => a.fn);
  const { impl, nullIn } = spec;
  const fn: Evaluator = (p, s) => {
    const vals = fns.map((f) => f(p, s));
    for (let i = 0; i < vals.length; i++) {
      const v = vals[i];
      if (v === null || v === undefined) { if (nullIn) return null; continue; }
      const t = types[i]!;
      if (t !== 'any' && typeof v !== t) throw new EvalFailure(`argument ${i + 1} of ${name}() must be a ${t}, got ${kind(v)}`, pos);
    }
    const out = impl(vals, p, s);
    if (typeof out === 'number' && !Number.isFinite(out)) throw new EvalFailure(`${name}() gave ${out} (not a finite number)`, pos);
    return out;
  };
  return fold({ fn, type: spec.returns, constant: !spec.contextual && args.every((a) => a.constant) }, pos, problems);
}

/** Evaluate constant sub-trees once; a constant that fails (1/0) is a compile error. */
function fold(b: Built, pos: number, problems: ExprProblem[]): Built {
  // Once something is wrong the expression will not compile: folding would only repeat the problem.
  if (!b.constant || problems.length > 0) return b;
  try {
    const v = b.fn(NO_POINT, NO_SCOPE);
    return { fn: () => v, type: b.type, constant: true };
  } catch (e) {
    if (e instanceof EvalFailure) problems.push({ message: e.message, pos: e.pos });
    else problems.push({ message: String(e), pos });
    return { ...b, constant: false };
  }
}

function safeConst(b: Built): unknown {
  return b.fn(NO_POINT, NO_SCOPE);
}

const NO_POINT = { device: '', metric: '', ts: 0, value: null } as Point;
const NO_SCOPE: EvalScope = { now: () => 0, prev: () => null, prevTs: () => null, last: () => null };

function checkType(actual: ExprType, want: ExprType, where: string, pos: number, problems: ExprProblem[]): void {
  if (want === 'any' || actual === 'any' || actual === 'null' || actual === want) return;
  problems.push({ message: `${where} expects a ${want}, got a ${actual}`, pos });
}

function truth(v: unknown, pos: number): boolean {
  if (typeof v === 'boolean') return v;
  if (v === null || v === undefined) return false;
  throw new EvalFailure(`expected a boolean, got ${kind(v)}`, pos);
}

function numberAt(v: unknown, where: string, pos: number): number {
  if (typeof v === 'number') return v;
  throw new EvalFailure(`${where} expects a number, got ${kind(v)}`, pos);
}

function compareSlow(op: string, x: unknown, y: unknown, pos: number): boolean {
  if (x === null || y === null || x === undefined || y === undefined) return false;
  if ((typeof x === 'number' && typeof y === 'number') || (typeof x === 'string' && typeof y === 'string')) {
    return ORDER_FNS[op]!(x as number, y as number);
  }
  throw new EvalFailure(`operator '${op}' compares two numbers or two strings, got ${kind(x)} and ${kind(y)}`, pos);
}

function kind(v: unknown): string {
  return typeof v === 'string' ? `string "${v.length > 20 ? v.slice(0, 20) + '…' : v}"` : v === null ? 'null' : typeof v;
}

const ORDER_FNS: Record<string, (a: number, b: number) => boolean> = {
  '<': (a, b) => a < b, '<=': (a, b) => a <= b, '>': (a, b) => a > b, '>=': (a, b) => a >= b,
};

const ARITH_FNS: Record<string, (a: number, b: number) => number> = {
  '+': (a, b) => a + b, '-': (a, b) => a - b, '*': (a, b) => a * b, '/': (a, b) => a / b, '%': (a, b) => a % b, '**': (a, b) => a ** b,
};
