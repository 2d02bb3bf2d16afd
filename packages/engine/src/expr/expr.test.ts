import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Point } from '@outpost/contract';
import { compileExpression, EvalFailure, PointMemory, type CompiledExpression } from './index.js';

const clock = { now: () => 1_700_000_000_000 };
const scope = new PointMemory(clock, 100);
const pt = (over: Partial<Point> = {}): Point => ({ device: 'press-1', metric: 'temp', ts: Date.UTC(2024, 2, 5, 14, 30), value: 42, unit: 'degC', tags: { line: '3' }, ...over });

function ok(src: string): CompiledExpression {
  const r = compileExpression(src);
  if (!r.ok) assert.fail(`${src}: ${JSON.stringify(r.problems)}`);
  return r.expr;
}
const run = (src: string, p: Point = pt()) => ok(src).eval(p, scope);
function problems(src: string, expect?: 'boolean') {
  const r = compileExpression(src, expect ? { expect } : {});
  assert.equal(r.ok, false, `${src} should not compile`);
  return r.ok ? [] : r.problems;
}

test('arithmetic, precedence and associativity', () => {
  assert.equal(run('1 + 2 * 3'), 7);
  assert.equal(run('(1 + 2) * 3'), 9);
  assert.equal(run('2 ** 3 ** 2'), 512);
  assert.equal(run('-2 ** 2'), -4);
  assert.equal(run('10 - 4 - 3'), 3);
  assert.equal(run('7 % 4'), 3);
  assert.equal(run('value * 2'), 84);
  assert.equal(run('1.5e3 + .5'), 1500.5);
});

test('comparison, boolean words and conditional', () => {
  assert.equal(run('value > 40 && value <= 42'), true);
  assert.equal(run('value > 50 or not (value < 0)'), true);
  assert.equal(run('value >= 50 ? "hot" : "ok"'), 'ok');
  assert.equal(run('"abc" < "abd"'), true);
  assert.equal(run('device == "press-1" && metric != "rpm"'), true);
});

test('point fields and tags; a missing tag or unit reads null', () => {
  assert.equal(run('tags.line'), '3');
  assert.equal(run('tags["line"] == "3"'), true);
  assert.equal(run('tags.zone'), null);
  assert.equal(run('unit', pt({ unit: undefined })), null);
  assert.equal(run('quality'), 'good');
  assert.equal(run('ts'), Date.UTC(2024, 2, 5, 14, 30));
  assert.equal(run('tags.__proto__'), null, 'tags reach own properties only');
  assert.equal(run('tags.constructor'), null);
});

test('string, math, null and time functions', () => {
  assert.equal(run('upper(device)'), 'PRESS-1');
  assert.equal(run('len(device) + 1'), 8);
  assert.equal(run('contains(device, "ess") && endsWith(device, "-1")'), true);
  assert.equal(run('replace(device, "-", "_")'), 'press_1');
  assert.equal(run('substr(device, 0, 5)'), 'press');
  assert.equal(run('concat(device, "/", metric, "/", null)'), 'press-1/temp/');
  assert.equal(run('round(value / 7, 2)'), 6);
  assert.equal(run('round(2.345, 2)'), 2.35);
  assert.equal(run('max(1, value, 3) + min(4, 2)'), 44);
  assert.equal(run('clamp(value, 0, 10)'), 10);
  assert.equal(run('abs(-3) + sqrt(16) + pow(2, 3)'), 15);
  assert.equal(run('number("12.5") + 1'), 13.5);
  assert.equal(run('number("abc")'), null);
  assert.equal(run('coalesce(tags.zone, tags.line)'), '3');
  assert.equal(run('isNull(value)', pt({ value: null, quality: 'bad' })), true);
  assert.equal(run('hour(ts) * 100 + minute(ts)'), 1430);
  assert.equal(run('dayOfWeek(ts)'), 2); // 2024-03-05 was a Tuesday
  assert.equal(run('year(ts) * 10000 + month(ts) * 100 + dayOfMonth(ts)'), 20240305);
  assert.equal(run('timeBucket(ts, 3600000)'), Date.UTC(2024, 2, 5, 14));
  assert.equal(run('now()'), 1_700_000_000_000);
});

test('null propagates through arithmetic and functions, and compares false', () => {
  const gap = pt({ value: null, quality: 'bad' });
  assert.equal(run('value * 2 + 1', gap), null);
  assert.equal(run('abs(value)', gap), null);
  assert.equal(run('value > 0', gap), false);
  assert.equal(run('value < 0', gap), false);
  assert.equal(run('value == null', gap), true);
});

test('prev, prev_ts and last() read remembered values per device', () => {
  const mem = new PointMemory(clock, 100);
  const e = ok('value - prev');
  const l = ok('last("rpm")');
  const a = pt({ ts: 1, value: 10 });
  assert.equal(e.eval(a, mem), null, 'no previous value yet');
  mem.observe(a);
  mem.observe(pt({ ts: 1, metric: 'rpm', value: 900 }));
  mem.observe(pt({ device: 'other', ts: 1, metric: 'rpm', value: 5 }));
  assert.equal(e.eval(pt({ ts: 2, value: 15 }), mem), 5);
  assert.equal(ok('prev_ts').eval(pt({ ts: 2 }), mem), 1);
  assert.equal(l.eval(pt({ ts: 2 }), mem), 900);
  mem.observe(pt({ ts: 0, value: 99 })); // older point: does not replace the newer one
  assert.equal(e.eval(pt({ ts: 2, value: 15 }), mem), 5);
  assert.ok(e.usesPrev && !e.usesLast && l.usesLast);
});

test('remembered keys are capped', () => {
  const mem = new PointMemory(clock, 2);
  for (const d of ['a', 'b', 'c', 'd']) mem.observe(pt({ device: d }));
  assert.equal(mem.keys, 2);
  assert.equal(mem.dropped, 2);
  assert.equal(mem.prev(pt({ device: 'c' })), null);
});

test('syntax errors name the position', () => {
  assert.deepEqual(problems('value > 1 +'), [{ message: 'syntax error: unexpected end of expression', pos: 12 }]);
  assert.deepEqual(problems('value >> 2')[0], { message: "syntax error: unexpected '>'", pos: 8 });
  assert.equal(problems('"open')[0]!.pos, 1);
  assert.match(problems('(value + 1')[0]!.message, /expected '\)'/);
  assert.equal(problems('value # 2')[0]!.pos, 7);
  assert.match(problems('')[0]!.message, /empty expression/);
  assert.match(problems('3abc')[0]!.message, /after number/);
});

test('type errors, unknown names and arity are all reported with positions', () => {
  const ps = problems('vlaue > 1 && foo(2) && upper(3) == "x" && device * 2 > 1 && round() > 1');
  assert.deepEqual(ps.map((p) => p.pos), [1, 14, 24, 50, 61]);
  assert.match(ps[0]!.message, /unknown field 'vlaue'/);
  assert.match(ps[1]!.message, /unknown function 'foo\(\)'/);
  assert.match(ps[2]!.message, /argument 1 of upper\(\) expects a string, got a number/);
  assert.match(ps[3]!.message, /operator '\*' expects a number, got a string/);
  assert.match(ps[4]!.message, /round\(\) takes 1 to 2 arguments, got 0/);
  assert.match(problems('abs')[0]!.message, /abs is a function/);
  assert.match(problems('value + 1', 'boolean')[0]!.message, /expected a boolean result, but the expression gives a number/);
  assert.match(problems('"a" > 1')[0]!.message, /compares two numbers or two strings/);
});

test('constant division by zero is a compile error; at run time it fails the point', () => {
  assert.deepEqual(problems('value / 0'), [{ message: 'division by zero', pos: 7 }]);
  assert.deepEqual(problems('value % (2 - 2)'), [{ message: 'division by zero', pos: 7 }]);
  const e = ok('10 / value');
  assert.throws(() => e.eval(pt({ value: 0 }), scope), (err: unknown) => err instanceof EvalFailure && err.pos === 4 && /division by zero/.test(err.message));
  assert.throws(() => ok('sqrt(value)').eval(pt({ value: -1 }), scope), /not a finite number/);
  assert.throws(() => ok('value * 2').eval(pt({ value: 'x' }), scope), /expects numbers, got string "x"/);
  assert.throws(() => ok('upper(value)').eval(pt({ value: 3 }), scope), /argument 1 of upper\(\) must be a string, got number/);
});

test('no way to reach the host: no member access, calls only to whitelisted functions', () => {
  assert.match(problems('constructor')[0]!.message, /unknown field/);
  assert.match(problems('process.exit(1)')[0]!.message, /syntax error/);
  assert.match(problems('this')[0]!.message, /unknown field/);
  assert.match(problems('toString()')[0]!.message, /unknown function/);
  assert.match(problems('hasOwnProperty("x")')[0]!.message, /unknown function/);
  assert.match(problems('value[0]')[0]!.message, /syntax error/);
  assert.match(problems('x = 1')[0]!.message, /syntax error/);
});

test('deep nesting is a syntax error, not a stack overflow', () => {
  assert.match(problems(`${'('.repeat(3000)}1${')'.repeat(3000)}`)[0]!.message, /nests more than 64 levels/);
  assert.match(problems(`${'-'.repeat(3000)}1`)[0]!.message, /nests more than 64 levels/);
  assert.equal(run(`${'('.repeat(20)}1${')'.repeat(20)} + 1`), 2);
});
