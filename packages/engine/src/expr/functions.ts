/**
 * The whitelisted functions of the expression language. Each declares its argument and result
 * types (checked at compile time where the types are known, at run time otherwise). Numeric and
 * string functions propagate null: f(null) is null, as in SQL, so a quality-'bad' gap stays a gap.
 */
import type { Point, PointValue } from '@outpost/contract';

export type ExprType = 'number' | 'string' | 'boolean' | 'null' | 'any';

/** What an expression may ask of its surroundings: the clock and remembered values. */
export interface EvalScope {
  now(): number;
  /** Previous value of the same device+metric (before this point), or null. */
  prev(p: Point): PointValue | null;
  prevTs(p: Point): number | null;
  /** Latest value seen of another metric of the same device, or null. */
  last(p: Point, metric: string): PointValue | null;
}

export interface FnSpec {
  args: ExprType[];
  /** How many trailing args may be left out. */
  optional?: number;
  /** Type of any further args (min, max, coalesce, concat). */
  rest?: ExprType;
  returns: ExprType;
  /** Null in → null out without calling impl. */
  nullIn?: boolean;
  /** Needs the scope or the point (not constant-foldable). */
  contextual?: boolean;
  doc: string;
  impl(args: unknown[], p: Point, s: EvalScope): unknown;
}

const n = (x: unknown) => x as number;
const s = (x: unknown) => x as string;
const date = (ts: unknown) => new Date(n(ts));

function num1(doc: string, f: (x: number) => number): FnSpec {
  return { args: ['number'], returns: 'number', nullIn: true, doc, impl: (a) => f(n(a[0])) };
}

export const FUNCTIONS: Record<string, FnSpec> = {
  // math
  abs: num1('absolute value', Math.abs),
  ceil: num1('round up', Math.ceil),
  floor: num1('round down', Math.floor),
  sqrt: num1('square root', Math.sqrt),
  exp: num1('e to the power x', Math.exp),
  ln: num1('natural logarithm', Math.log),
  log10: num1('base-10 logarithm', Math.log10),
  sign: num1('-1, 0 or 1', Math.sign),
  round: {
    args: ['number', 'number'], optional: 1, returns: 'number', nullIn: true, doc: 'round(x, digits = 0)',
    impl: (a) => {
      const f = 10 ** (a[1] === undefined ? 0 : n(a[1]));
      return Math.round(n(a[0]) * f) / f;
    },
  },
  pow: { args: ['number', 'number'], returns: 'number', nullIn: true, doc: 'x to the power y', impl: (a) => n(a[0]) ** n(a[1]) },
  min: { args: ['number'], rest: 'number', returns: 'number', nullIn: true, doc: 'smallest argument', impl: (a) => Math.min(...(a as number[])) },
  max: { args: ['number'], rest: 'number', returns: 'number', nullIn: true, doc: 'largest argument', impl: (a) => Math.max(...(a as number[])) },
  clamp: {
    args: ['number', 'number', 'number'], returns: 'number', nullIn: true, doc: 'clamp(x, lo, hi)',
    impl: (a) => Math.min(Math.max(n(a[0]), n(a[1])), n(a[2])),
  },
  // null handling and conversion
  isNull: { args: ['any'], returns: 'boolean', doc: 'true when the argument is null (a gap or a missing tag)', impl: (a) => a[0] === null || a[0] === undefined },
  coalesce: { args: ['any'], rest: 'any', returns: 'any', doc: 'first argument that is not null', impl: (a) => a.find((x) => x !== null && x !== undefined) ?? null },
  number: {
    args: ['any'], returns: 'number', nullIn: true, doc: 'convert a string or boolean to a number (null when not numeric)',
    impl: (a) => {
      const v = typeof a[0] === 'string' ? (a[0].trim() === '' ? NaN : Number(a[0])) : Number(a[0]);
      return Number.isFinite(v) ? v : null;
    },
  },
  string: { args: ['any'], returns: 'string', nullIn: true, doc: 'convert to a string', impl: (a) => String(a[0]) },
  // strings (no regular expressions: user patterns could backtrack for ever)
  lower: { args: ['string'], returns: 'string', nullIn: true, doc: 'lower case', impl: (a) => s(a[0]).toLowerCase() },
  upper: { args: ['string'], returns: 'string', nullIn: true, doc: 'upper case', impl: (a) => s(a[0]).toUpperCase() },
  trim: { args: ['string'], returns: 'string', nullIn: true, doc: 'strip surrounding white space', impl: (a) => s(a[0]).trim() },
  len: { args: ['string'], returns: 'number', nullIn: true, doc: 'length in characters', impl: (a) => s(a[0]).length },
  contains: { args: ['string', 'string'], returns: 'boolean', nullIn: true, doc: 'contains(s, part)', impl: (a) => s(a[0]).includes(s(a[1])) },
  startsWith: { args: ['string', 'string'], returns: 'boolean', nullIn: true, doc: 'startsWith(s, prefix)', impl: (a) => s(a[0]).startsWith(s(a[1])) },
  endsWith: { args: ['string', 'string'], returns: 'boolean', nullIn: true, doc: 'endsWith(s, suffix)', impl: (a) => s(a[0]).endsWith(s(a[1])) },
  substr: {
    args: ['string', 'number', 'number'], optional: 1, returns: 'string', nullIn: true, doc: 'substr(s, start, length?)',
    impl: (a) => s(a[0]).substr(n(a[1]), a[2] === undefined ? undefined : n(a[2])),
  },
  replace: { args: ['string', 'string', 'string'], returns: 'string', nullIn: true, doc: 'replace(s, find, with): every literal occurrence', impl: (a) => s(a[0]).split(s(a[1])).join(s(a[2])) },
  concat: { args: ['any'], rest: 'any', returns: 'string', doc: 'join the arguments as text (null as empty)', impl: (a) => a.map((x) => (x === null || x === undefined ? '' : String(x))).join('') },
  // time (UTC; timestamps are epoch milliseconds)
  now: { args: [], returns: 'number', contextual: true, doc: 'host clock, epoch ms', impl: (_a, _p, sc) => sc.now() },
  year: { args: ['number'], returns: 'number', nullIn: true, doc: 'UTC year of a timestamp', impl: (a) => date(a[0]).getUTCFullYear() },
  month: { args: ['number'], returns: 'number', nullIn: true, doc: 'UTC month 1-12', impl: (a) => date(a[0]).getUTCMonth() + 1 },
  dayOfMonth: { args: ['number'], returns: 'number', nullIn: true, doc: 'UTC day of month 1-31', impl: (a) => date(a[0]).getUTCDate() },
  dayOfWeek: { args: ['number'], returns: 'number', nullIn: true, doc: 'UTC day of week, 0 = Sunday', impl: (a) => date(a[0]).getUTCDay() },
  hour: { args: ['number'], returns: 'number', nullIn: true, doc: 'UTC hour 0-23', impl: (a) => date(a[0]).getUTCHours() },
  minute: { args: ['number'], returns: 'number', nullIn: true, doc: 'UTC minute 0-59', impl: (a) => date(a[0]).getUTCMinutes() },
  timeBucket: {
    args: ['number', 'number'], returns: 'number', nullIn: true, doc: 'timeBucket(ts, sizeMs): start of the bucket holding ts',
    impl: (a) => Math.floor(n(a[0]) / n(a[1])) * n(a[1]),
  },
  // state
  last: {
    args: ['string'], returns: 'any', contextual: true, doc: 'last("metric"): latest value of another metric of the same device',
    impl: (a, p, sc) => (a[0] === null ? null : sc.last(p, s(a[0]))),
  },
};
