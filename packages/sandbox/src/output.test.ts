import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isOutpostError } from '@outpost/contract';
import { DEFAULT_SCRIPT_LIMITS, resolveLimits } from './limits.js';
import { parseReply, toPoint } from './output.js';
import { UsageStats } from './stats.js';

test('toPoint rebuilds points and names what is wrong', () => {
  const p = toPoint(JSON.parse('{"device":"d","metric":"m","ts":1,"value":2,"tags":{"__proto__":"x","a":"b"},"extra":1}'));
  assert.ok(typeof p === 'object');
  assert.deepEqual(Object.keys(p), ['device', 'metric', 'ts', 'value', 'tags']);
  assert.equal(Object.getPrototypeOf(p.tags), Object.prototype, '__proto__ key did not change the prototype');
  assert.equal(Object.getOwnPropertyDescriptor(p.tags, '__proto__')?.value, 'x');
  assert.match(toPoint({ device: 'd', metric: 'm', ts: 1, value: Infinity }) as string, /finite/);
  assert.match(toPoint({ device: '', metric: 'm', ts: 1, value: 1 }) as string, /device/);
  assert.match(toPoint({ device: 'd', metric: 'm', ts: 1, value: 1, quality: 'meh' }) as string, /quality/);
  assert.deepEqual(toPoint({ device: 'd', metric: 'm', ts: 1, value: null, quality: 'bad' }), { device: 'd', metric: 'm', ts: 1, value: null, quality: 'bad' });
});

test('parseReply enforces output size and point count before trusting anything', () => {
  const limits = { ...DEFAULT_SCRIPT_LIMITS, maxOutputBytes: 100, maxOutputPoints: 1 };
  const r1 = parseReply(JSON.stringify({ p: { device: 'd', metric: 'm', ts: 1, value: 'x'.repeat(200) }, l: [] }), limits);
  assert.equal(!r1.ok && r1.error.reason, 'output');
  const pt = { device: 'd', metric: 'm', ts: 1, value: 1 };
  const r2 = parseReply(JSON.stringify({ p: [pt, pt], l: [] }), limits);
  assert.equal(!r2.ok && r2.error.reason, 'output');
  const r3 = parseReply('not json', DEFAULT_SCRIPT_LIMITS);
  assert.equal(!r3.ok && r3.error.reason, 'invalid-output');
  const r4 = parseReply(JSON.stringify({ p: null, l: [['info', 'hi'], ['shout', 'x']], s: { k: 1 } }), DEFAULT_SCRIPT_LIMITS);
  assert.deepEqual(r4, { ok: true, points: [], logs: [{ level: 'info', message: 'hi' }], state: { k: 1 } });
});

test('resolveLimits merges over defaults and refuses unknown keys and out-of-range values', () => {
  assert.equal(resolveLimits({ timeoutMs: 100 }).timeoutMs, 100);
  assert.equal(resolveLimits({}).memoryMb, 32);
  assert.throws(() => resolveLimits({ timeoutMs: 0 }), (e) => isOutpostError(e, 'ERR_SCRIPT_INVALID') && /timeoutMs must be an integer from 1/.test(e.message));
  assert.throws(() => resolveLimits({ heap: 5 } as never), (e) => isOutpostError(e, 'ERR_SCRIPT_INVALID') && /heap is not a known limit/.test(e.message));
  assert.throws(() => resolveLimits({ memoryMb: 2.5 }), /memoryMb/);
});

test('usage statistics: counts, average and nearest-rank p95 over recent calls', () => {
  const s = new UsageStats();
  assert.deepEqual(s.snapshot(), { invocations: 0, errors: 0, avgMs: 0, p95Ms: 0 });
  for (let i = 1; i <= 100; i++) s.record(i, i % 10 !== 0);
  assert.deepEqual(s.snapshot(), { invocations: 100, errors: 10, avgMs: 50.5, p95Ms: 95 });
  for (let i = 0; i < 2000; i++) s.record(1, true);
  assert.equal(s.snapshot().p95Ms, 1, 'p95 follows the most recent 1,024 calls');
  assert.equal(s.snapshot().invocations, 2100);
});
