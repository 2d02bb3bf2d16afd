import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decodePayload, DEFAULT_DECODE_LIMITS, type DecodeResult } from './decode.js';

function ok(r: DecodeResult) {
  assert.ok(r.ok, r.ok ? '' : `expected success, got ${r.reject.reason}: ${r.reject.message}`);
  return r.candidates;
}
function rejected(r: DecodeResult) {
  assert.ok(!r.ok, 'expected a rejection');
  return r.reject;
}

test('one point is handed on as the candidate itself', () => {
  const c = ok(decodePayload(Buffer.from('{"device":"inv-1","metric":"temperature","ts":1700000000000,"value":71.3,"unit":"degC","tags":{"line":"a"}}')));
  assert.deepEqual(c, [{ device: 'inv-1', metric: 'temperature', ts: 1700000000000, value: 71.3, unit: 'degC', tags: { line: 'a' } }]);
});

test('a metrics object becomes one candidate per metric sharing ts, device, tags and quality', () => {
  const c = ok(decodePayload('{"ts":1700000000000,"device":"m1","tags":{"site":"s"},"temperature":71.3,"active_power":4.2,"running":true,"mode":"auto"}'));
  assert.deepEqual(c.map((x) => [x.metric, x.value]), [['temperature', 71.3], ['active_power', 4.2], ['running', true], ['mode', 'auto']]);
  for (const x of c) {
    assert.equal(x.ts, 1700000000000);
    assert.equal(x.device, 'm1');
    assert.deepEqual(x.tags, { site: 's' });
  }
});

test('a metric given as {value, unit} carries its own unit, quality and ts', () => {
  const c = ok(decodePayload('{"ts":5,"temperature":{"value":160.2,"unit":"degF","quality":"uncertain"},"power":{"value":1,"ts":7}}'));
  assert.deepEqual(c[0], { device: undefined, metric: 'temperature', ts: 5, value: 160.2, unit: 'degF', tags: undefined, quality: 'uncertain' });
  assert.equal(c[1]!.ts, 7);
});

test('wrong-typed metric values stay candidates so the ingestor rejects that one metric by name', () => {
  const c = ok(decodePayload('{"temperature":"NaN","pressure":"12.5","nested":{"a":1},"list":[1]}'));
  assert.deepEqual(c.map((x) => [x.metric, x.value]), [['temperature', 'NaN'], ['pressure', '12.5'], ['nested', { a: 1 }], ['list', [1]]]);
});

test('a batch array of points is the candidate list itself; mixed points and metrics objects expand', () => {
  const arr = '[{"metric":"a","value":1},{"metric":"b","value":2}]';
  assert.equal(ok(decodePayload(arr)).length, 2);
  const mixed = ok(decodePayload('[{"metric":"a","value":1},{"ts":3,"x":1,"y":2}]'));
  assert.deepEqual(mixed.map((x) => x.metric), ['a', 'x', 'y']);
});

test('a {"points": […]} envelope lends device, ts and tags to points that lack them', () => {
  const c = ok(decodePayload('{"device":"d","ts":10,"tags":{"k":"v"},"points":[{"metric":"a","value":1},{"metric":"b","value":2,"device":"e","ts":11}]}'));
  assert.deepEqual(c.map((x) => [x.device, x.metric, x.ts, x.tags]), [['d', 'a', 10, { k: 'v' }], ['e', 'b', 11, { k: 'v' }]]);
});

test('malformed JSON is rejected with the position of the first error', () => {
  const r = rejected(decodePayload('{"metric":"a","value": }'));
  assert.equal(r.reason, 'malformed_json');
  assert.match(r.message, /ValueExpected at position 23/);
  const nan = rejected(decodePayload('{"metric":"a","value":NaN}'));
  assert.equal(nan.reason, 'malformed_json');
  assert.match(nan.message, /InvalidSymbol at position 22 near .*NaN/);
  assert.match(rejected(decodePayload('{"metric":"a","value":Infinity}')).message, /position 22/);
  assert.equal(rejected(decodePayload('[{"metric":"a","value":1},]')).reason, 'malformed_json');
});

test('empty payloads, bare values and empty shapes are bad_shape with what was expected', () => {
  const cases: Array<[string, RegExp]> = [
    ['', /payload is empty/],
    ['42', /payload is a number \(42\); expected a JSON object/],
    ['"hello"', /payload is a string/],
    ['null', /payload is null/],
    ['[]', /empty array/],
    ['{}', /no "metric" and no metric fields/],
    ['{"ts":1,"device":"d"}', /no "metric" and no metric fields/],
    ['{"points":{"metric":"a"}}', /"points" is an object; expected an array/],
    ['[{"metric":"a","value":1},7]', /payload\[1\] is a number \(7\); expected a point object/],
  ];
  for (const [text, msg] of cases) {
    const r = rejected(decodePayload(text));
    assert.equal(r.reason, 'bad_shape', text);
    assert.match(r.message, msg, text);
  }
});

test('payloads over the byte limit are rejected before parsing', () => {
  const big = Buffer.alloc(10 * 1024 * 1024, 0x20); // 10 MB of spaces: would parse slowly and fail
  const r = rejected(decodePayload(big));
  assert.equal(r.reason, 'too_large');
  assert.match(r.message, /10485760 bytes; the limit is 1048576 bytes/);
});

test('more points than the per-payload limit are too_large, in every shape', () => {
  const limits = { maxBytes: 100 * 1024 * 1024, maxPoints: DEFAULT_DECODE_LIMITS.maxPoints };
  const many = JSON.stringify(Array.from({ length: 100_000 }, (_, i) => ({ metric: 'm', value: i })));
  const r = rejected(decodePayload(many, limits));
  assert.equal(r.reason, 'too_large');
  assert.match(r.message, /100000 points; the limit is 10000/);
  const wide = JSON.stringify(Object.fromEntries(Array.from({ length: 10_001 }, (_, i) => [`m${i}`, i])));
  assert.equal(rejected(decodePayload(wide, limits)).reason, 'too_large');
  const exactly = JSON.stringify(Array.from({ length: 10_000 }, (_, i) => ({ metric: 'm', value: i })));
  assert.equal(ok(decodePayload(exactly, limits)).length, 10_000);
});

test('attributes: in a metrics object they are not metrics but copied onto each point; an envelope lends them', () => {
  const limits = { ...DEFAULT_DECODE_LIMITS, attributes: ['seq'] };
  const c = ok(decodePayload('{"ts":5,"seq":9,"temperature":71.3,"power":4.2}', limits));
  assert.deepEqual(c.map((x) => [x.metric, (x as Record<string, unknown>).seq]), [['temperature', 9], ['power', 9]]);
  const without = ok(decodePayload('{"ts":5,"seq":9,"temperature":71.3}'));
  assert.deepEqual(without.map((x) => x.metric), ['seq', 'temperature'], 'without the option seq is a metric as before');
  const env = ok(decodePayload('{"seq":1,"points":[{"metric":"a","value":1},{"metric":"b","value":2,"seq":2},{"c":3}]}', limits));
  assert.deepEqual(env.map((x) => [x.metric, (x as Record<string, unknown>).seq]), [['a', 1], ['b', 2], ['c', 1]]);
});
