/**
 * Parser for the pipeline expression language: a small, closed grammar (literals, point fields,
 * tags, operators, calls of whitelisted functions). Hand-written rather than jsep because every
 * AST node needs its source position (errors must name it) and the grammar must not admit member
 * access, `this`, arrays or assignment at all — there is nothing to reach the host through.
 */
export type Ast =
  | { t: 'lit'; v: number | string | boolean | null; pos: number }
  | { t: 'ident'; name: string; pos: number }
  | { t: 'tag'; name: string; pos: number }
  | { t: 'unary'; op: '-' | '!'; arg: Ast; pos: number }
  | { t: 'binary'; op: string; l: Ast; r: Ast; pos: number }
  | { t: 'cond'; test: Ast; a: Ast; b: Ast; pos: number }
  | { t: 'call'; name: string; args: Ast[]; pos: number };

/** A syntax error; `pos` is the 1-based character position. */
export class ExprSyntaxError extends Error {
  constructor(message: string, readonly pos: number) { super(message); }
}

type Tok = { k: 'num' | 'str' | 'id' | 'op' | 'eof'; v: string; pos: number };

const OPS = ['**', '==', '!=', '<=', '>=', '&&', '||', '+', '-', '*', '/', '%', '<', '>', '!', '(', ')', ',', '?', ':', '.', '[', ']'];
const WORD_OPS = new Map([['and', '&&'], ['or', '||'], ['not', '!']]);

function lex(src: string): Tok[] {
  const toks: Tok[] = [];
  let i = 0;
  while (i < src.length) {
    const c = src[i]!;
    if (c === ' ' || c === '\t' || c === '\n' || c === '\r') { i++; continue; }
    const pos = i + 1;
    if (/[0-9]/.test(c) || (c === '.' && /[0-9]/.test(src[i + 1] ?? ''))) {
      const m = /^(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?/.exec(src.slice(i))!;
      toks.push({ k: 'num', v: m[0], pos });
      i += m[0].length;
      if (/[A-Za-z_]/.test(src[i] ?? '')) throw new ExprSyntaxError(`unexpected '${src[i]}' after number`, i + 1);
      continue;
    }
    if (c === '"' || c === "'") {
      let j = i + 1;
      let s = '';
      while (j < src.length && src[j] !== c) {
        if (src[j] === '\\') {
          const e = src[j + 1];
          if (e === undefined) break;
          s += e === 'n' ? '\n' : e === 't' ? '\t' : e;
          j += 2;
        } else s += src[j++];
      }
      if (j >= src.length) throw new ExprSyntaxError('unterminated string', pos);
      toks.push({ k: 'str', v: s, pos });
      i = j + 1;
      continue;
    }
    if (/[A-Za-z_]/.test(c)) {
      const m = /^[A-Za-z_][A-Za-z0-9_]*/.exec(src.slice(i))!;
      const w = m[0];
      const op = WORD_OPS.get(w);
      toks.push(op ? { k: 'op', v: op, pos } : { k: 'id', v: w, pos });
      i += w.length;
      continue;
    }
    const op = OPS.find((o) => src.startsWith(o, i));
    if (!op) throw new ExprSyntaxError(`unexpected character '${c}'`, pos);
    toks.push({ k: 'op', v: op, pos });
    i += op.length;
  }
  toks.push({ k: 'eof', v: '', pos: src.length + 1 });
  return toks;
}

export const MAX_DEPTH = 64;

const BINARY_PREC: Record<string, number> = {
  '||': 2, '&&': 3, '==': 4, '!=': 4, '<': 5, '<=': 5, '>': 5, '>=': 5, '+': 6, '-': 6, '*': 7, '/': 7, '%': 7, '**': 9,
};

export function parseExpression(src: string): Ast {
  if (src.trim() === '') throw new ExprSyntaxError('empty expression', 1);
  const toks = lex(src);
  let i = 0;
  const peek = () => toks[i]!;
  const next = () => toks[i++]!;
  const expectOp = (v: string, what: string) => {
    const t = next();
    if (t.k !== 'op' || t.v !== v) throw new ExprSyntaxError(`expected '${v}' ${what}, found ${describe(t)}`, t.pos);
  };

  let depth = 0;
  function expr(minPrec: number): Ast {
    // Bounded nesting keeps a hostile expression from exhausting the stack (and the closures it compiles to).
    if (++depth > MAX_DEPTH) throw new ExprSyntaxError(`expression nests more than ${MAX_DEPTH} levels deep`, peek().pos);
    try {
      return exprAt(minPrec);
    } finally {
      depth--;
    }
  }

  function exprAt(minPrec: number): Ast {
    let left = unary();
    for (;;) {
      const t = peek();
      if (t.k !== 'op') break;
      if (t.v === '?' && minPrec <= 1) {
        next();
        const a = expr(1);
        expectOp(':', 'in conditional');
        const b = expr(1);
        left = { t: 'cond', test: left, a, b, pos: t.pos };
        continue;
      }
      const prec = BINARY_PREC[t.v];
      if (prec === undefined || prec < minPrec) break;
      next();
      // `**` is right-associative; the rest are left-associative.
      const right = t.v === '**' ? expr(prec) : expr(prec + 1);
      left = { t: 'binary', op: t.v, l: left, r: right, pos: t.pos };
    }
    return left;
  }

  function unary(): Ast {
    const t = peek();
    if (t.k === 'op' && (t.v === '-' || t.v === '!')) {
      next();
      // Unary binds tighter than everything but `**` (so -2**2 is -(2**2), as in maths).
      const arg = expr(8);
      return { t: 'unary', op: t.v, arg, pos: t.pos };
    }
    return primary();
  }

  function primary(): Ast {
    const t = next();
    if (t.k === 'num') return { t: 'lit', v: Number(t.v), pos: t.pos };
    if (t.k === 'str') return { t: 'lit', v: t.v, pos: t.pos };
    if (t.k === 'op' && t.v === '(') {
      const e = expr(0);
      expectOp(')', 'to close the parenthesis');
      return e;
    }
    if (t.k === 'id') {
      if (t.v === 'true' || t.v === 'false') return { t: 'lit', v: t.v === 'true', pos: t.pos };
      if (t.v === 'null') return { t: 'lit', v: null, pos: t.pos };
      const p = peek();
      if (p.k === 'op' && p.v === '(') {
        next();
        const args: Ast[] = [];
        if (!(peek().k === 'op' && peek().v === ')')) {
          for (;;) {
            args.push(expr(0));
            if (peek().k === 'op' && peek().v === ',') { next(); continue; }
            break;
          }
        }
        expectOp(')', `to close the call of ${t.v}()`);
        return { t: 'call', name: t.v, args, pos: t.pos };
      }
      if (t.v === 'tags') return tagAccess(t.pos);
      return { t: 'ident', name: t.v, pos: t.pos };
    }
    throw new ExprSyntaxError(`unexpected ${describe(t)}`, t.pos);
  }

  function tagAccess(pos: number): Ast {
    const p = next();
    if (p.k === 'op' && p.v === '.') {
      const n = next();
      if (n.k !== 'id') throw new ExprSyntaxError(`expected a tag name after 'tags.', found ${describe(n)}`, n.pos);
      return { t: 'tag', name: n.v, pos };
    }
    if (p.k === 'op' && p.v === '[') {
      const n = next();
      if (n.k !== 'str') throw new ExprSyntaxError(`expected a quoted tag name in tags[...], found ${describe(n)}`, n.pos);
      expectOp(']', 'after the tag name');
      return { t: 'tag', name: n.v, pos };
    }
    throw new ExprSyntaxError(`'tags' must be followed by .name or ["name"]`, p.pos);
  }

  const ast = expr(0);
  const end = peek();
  if (end.k !== 'eof') throw new ExprSyntaxError(`unexpected ${describe(end)} after the end of the expression`, end.pos);
  return ast;
}

function describe(t: Tok): string {
  if (t.k === 'eof') return 'end of expression';
  if (t.k === 'str') return `string "${t.v}"`;
  return `'${t.v}'`;
}
