import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Point } from '@outpost/contract';
import { isOutpostError } from '@outpost/contract';
import { createScript } from '../script.js';
import type { ScriptEvent, ScriptResult } from '../types.js';

const pt = (value: number, metric = 'temp'): Point => ({ device: 'press-1', metric, ts: 1_700_000_000_000, value });

function js(source: string, limits: Record<string, number> = {}, extra: { config?: Record<string, unknown>; events?: ScriptEvent[]; logs?: unknown[][] } = {}) {
  return createScript(
    { id: 'test', language: 'javascript', source, limits: { timeoutMs: 400, ...limits }, ...(extra.config ? { config: extra.config } : {}) },
    { hooks: { onEvent: (e) => extra.events?.push(e), log: (...a) => extra.logs?.push(a) } },
  );
}

function failed(r: ScriptResult): NonNullable<Extract<ScriptResult, { ok: false }>['error']> {
  assert.equal(r.ok, false, `expected a failure, got ${JSON.stringify(r)}`);
  return (r as Extract<ScriptResult, { ok: false }>).error;
}

test('transforms a point, a batch, emits several points or drops', async () => {
  const s = await js(`function process(data, ctx) {
    if (Array.isArray(data)) return data.filter((p) => p.value > 1).map((p) => ({ ...p, value: p.value * 10 }));
    if (data.value < 0) return;
    return [data, { ...data, metric: 'temp_f', value: data.value * 9 / 5 + 32, unit: 'degF' }];
  }`);
  const single = await s.run(pt(100));
  assert.ok(single.ok);
  assert.deepEqual(single.points, [pt(100), { ...pt(212, 'temp_f'), unit: 'degF' }]);
  const batch = await s.run([pt(1), pt(2), pt(3)]);
  assert.ok(batch.ok);
  assert.deepEqual(batch.points.map((p) => p.value), [20, 30]);
  const dropped = await s.run(pt(-1));
  assert.ok(dropped.ok);
  assert.deepEqual(dropped.points, []);
  await s.close();
});

test('context: config, device and metric metadata, state across calls, previous values, logger', async () => {
  const logs: unknown[][] = [];
  const s = await js(
    `function process(p, ctx) {
      const n = (ctx.state.get('n') ?? 0) + 1;
      ctx.state.set('n', n);
      const prev = ctx.previous(p.metric, p.device);
      ctx.log.info('seen', n, { site: ctx.device.site });
      return { ...p, value: p.value * ctx.config.factor + (prev ? prev.value : 0), unit: ctx.metrics[p.metric].unit, tags: { n: String(n) } };
    }`,
    {},
    { config: { factor: 2 }, logs },
  );
  const ctx = { device: { id: 'press-1', site: 'north' }, metrics: { temp: { unit: 'degC' } } };
  const first = await s.run(pt(5), ctx);
  const second = await s.run(pt(7), ctx);
  assert.ok(first.ok && second.ok);
  assert.deepEqual(first.points, [{ ...pt(10), unit: 'degC', tags: { n: '1' } }]);
  assert.deepEqual(second.points, [{ ...pt(14 + 5), unit: 'degC', tags: { n: '2' } }]);
  assert.deepEqual(s.state(), { n: 2 });
  assert.deepEqual(second.logs, [{ level: 'info', message: 'seen 2 {"site":"north"}' }]);
  assert.deepEqual(logs.at(-1), ['info', 'seen 2 {"site":"north"}', { scriptId: 'test' }]);
  // config is frozen inside the sandbox
  const mut = await js(`function process(p, ctx) { 'use strict'; ctx.config.factor = 3; return p; }`, {}, { config: { factor: 2 } });
  assert.equal(failed(await mut.run(pt(1))).reason, 'runtime');
  await s.close();
  await mut.close();
});

test('an endless loop is stopped at the wall-clock limit while the host event loop keeps running', async () => {
  const s = await js('function process() { for (;;) {} }', { timeoutMs: 500, cpuTimeMs: 5000 });
  let maxLag = 0;
  let ticks = 0;
  let last = performance.now();
  const timer = setInterval(() => {
    const now = performance.now();
    maxLag = Math.max(maxLag, now - last - 5);
    last = now;
    ticks++;
  }, 5);
  const t0 = performance.now();
  const r = await s.run(pt(1));
  const took = performance.now() - t0;
  clearInterval(timer);
  assert.equal(failed(r).reason, 'timeout');
  assert.ok(took >= 450 && took < 1500, `stopped after ${took} ms`);
  // The loop ran on isolated-vm's thread: the 5 ms timer kept firing with little lag.
  assert.ok(ticks > 40, `only ${ticks} timer ticks during a 500 ms loop`);
  assert.ok(maxLag < 60, `main event loop lagged ${maxLag.toFixed(1)} ms`);
  await s.close();
});

test('CPU-time limit stops a busy script before its wall-clock limit', async () => {
  const s = await js('function process() { for (;;) {} }', { timeoutMs: 5000, cpuTimeMs: 150 });
  const t0 = performance.now();
  const err = failed(await s.run(pt(1)));
  assert.equal(err.reason, 'cpu');
  assert.ok(performance.now() - t0 < 2000);
  await s.close();
});

test('async endless loops and promises that never settle are stopped; there are no host timers', async () => {
  const micro = await js('async function process() { for (;;) { await null; } }');
  assert.equal(failed(await micro.run(pt(1))).reason, 'timeout');
  const never = await js('function process() { return new Promise(() => {}); }');
  assert.equal(failed(await never.run(pt(1))).reason, 'timeout');
  const timer = await js('async function process(p) { await new Promise((r) => setTimeout(r, 10)); return p; }');
  const err = failed(await timer.run(pt(1)));
  assert.equal(err.reason, 'runtime');
  assert.match(err.message, /setTimeout is not defined/);
  // the sandbox is rebuilt after being discarded: the next call of a healthy script works
  const ok = await js('let calls = 0; async function process(p) { calls++; if (p.value === 0) await new Promise(() => {}); return { ...p, value: calls }; }');
  assert.equal(failed(await ok.run(pt(0))).reason, 'timeout');
  const after = await ok.run(pt(1));
  assert.ok(after.ok);
  assert.equal(after.points[0]?.value, 1, 'a fresh isolate re-ran the top level');
  for (const s of [micro, never, timer, ok]) await s.close();
});

test('a memory bomb hits the heap limit, the isolate is discarded and rebuilt with the last state', async () => {
  const s = await js(
    `function process(p, ctx) {
      if (p.value === 1) { ctx.state.set('kept', 42); return p; }
      const hog = []; for (;;) hog.push(new Array(100000).fill(Math.random()));
    }`,
    { memoryMb: 16, timeoutMs: 10_000, cpuTimeMs: 10_000 },
  );
  assert.ok((await s.run(pt(1))).ok);
  const err = failed(await s.run(pt(2)));
  assert.equal(err.reason, 'memory');
  const again = await s.run(pt(1));
  assert.ok(again.ok);
  assert.deepEqual(s.state(), { kept: 42 });
  await s.close();
});

test('deep recursion and huge outputs are contained', async () => {
  const rec = await js('function f(n) { return f(n + 1) + 1; } function process(p) { return { ...p, value: f(0) }; }');
  const e1 = failed(await rec.run(pt(1)));
  assert.equal(e1.reason, 'runtime');
  assert.match(e1.message, /RangeError: Maximum call stack/);
  assert.match(e1.stack ?? '', /script:test/);
  const huge = await js(`function process(p) { return Array.from({ length: 50000 }, (_, i) => ({ ...p, value: i, metric: 'x'.repeat(100) })); }`, {
    maxOutputBytes: 100_000,
  });
  const e2 = failed(await huge.run(pt(1)));
  assert.equal(e2.reason, 'output');
  const many = await js('function process(p) { return [p, p, p]; }', { maxOutputPoints: 2 });
  assert.equal(failed(await many.run(pt(1))).reason, 'output');
  for (const s of [rec, huge, many]) await s.close();
});

test('require, import, process.exit and host globals are unreachable', async () => {
  const attacks: Record<string, string> = {
    requireFs: `require('fs').readFileSync('/etc/passwd', 'utf8')`,
    requireNet: `require('net').connect(80, '127.0.0.1')`,
    requireChild: `require('child_process').execSync('id')`,
    importFs: `await import('node:fs')`,
    importChild: `await import('child_process')`,
    processExit: `process.exit(1)`,
    processBinding: `globalThis.process.binding('fs')`,
    constructorEscape: `this.constructor.constructor('return process')().mainModule.require('fs')`,
    functionEscape: `Function('return globalThis')().require('fs')`,
    evalEscape: `eval('require')('fs')`,
  };
  for (const [name, code] of Object.entries(attacks)) {
    const s = await js(`async function process(p) { const r = ${code}; return { ...p, value: 1, tags: { r: String(r) } }; }`);
    const r = await s.run(pt(1));
    assert.equal(r.ok, false, `${name} must fail`);
    assert.ok(['runtime', 'crashed'].includes(failed(r).reason), `${name}: ${JSON.stringify(r)}`);
    await s.close();
  }
  assert.equal(typeof globalThis.process.exit, 'function', 'host process untouched');
});

test('eval and Function work inside the isolate, prototype tampering stays inside', async () => {
  const s = await js(`
    Object.prototype.polluted = 'yes';
    Array.prototype.map = function () { return ['hijacked']; };
    JSON.stringify = () => '{"p":{"device":"evil"}}';
    function process(p) {
      const g = Function('return this')();
      return { ...p, value: eval('6 * 7'), tags: { keys: Object.getOwnPropertyNames(g).filter((k) => /^(require|process|Buffer|module|global)$/.test(k)).join(',') } };
    }`);
  const r = await s.run(pt(1));
  assert.ok(r.ok, JSON.stringify(r));
  assert.equal(r.points[0]?.value, 42);
  assert.equal(r.points[0]?.tags?.keys, 'process', 'only the script\'s own process function is visible');
  assert.equal(({} as Record<string, unknown>).polluted, undefined, 'host Object.prototype untouched');
  assert.deepEqual([1].map((x) => x + 1), [2], 'host Array.prototype untouched');
  assert.equal(Object.getPrototypeOf(r.points[0]), Object.prototype);
  assert.equal(Object.hasOwn(r.points[0] as object, 'polluted'), false);
  await s.close();
});

test('invalid output is a typed error, not a crash', async () => {
  const cases = ['return 42;', "return { device: 'd' };", "return [{ device: 'd', metric: 'm', ts: 1, value: {} }];", "return { device: 'd', metric: 'm', ts: 1, value: null };"];
  for (const body of cases) {
    const s = await js(`function process(p) { ${body} }`);
    assert.equal(failed(await s.run(pt(1))).reason, 'invalid-output', body);
    await s.close();
  }
});

test('consecutive failures disable the script with an event; errors are logged with their stack', async () => {
  const events: ScriptEvent[] = [];
  const logs: unknown[][] = [];
  const s = await js("function process(p) { if (p.value < 0) throw new TypeError('negative value'); return p; }", { maxConsecutiveFailures: 3 }, { events, logs });
  assert.ok((await s.run(pt(-1))).ok === false);
  assert.ok((await s.run(pt(1))).ok, 'a success resets the counter');
  for (let i = 0; i < 3; i++) assert.equal(failed(await s.run(pt(-1))).reason, 'runtime');
  assert.equal(s.disabled, true);
  assert.equal(failed(await s.run(pt(1))).reason, 'disabled');
  assert.deepEqual(events.filter((e) => e.type === 'disabled').map((e) => e.type === 'disabled' && e.consecutive), [3]);
  const logged = logs.find((l) => l[0] === 'error') as [string, string, { stack: string }];
  assert.match(logged[1], /TypeError: negative value/);
  assert.match(logged[2].stack, /script:test/);
  s.enable();
  assert.ok((await s.run(pt(1))).ok);
  // the refused call while disabled is not an invocation
  assert.deepEqual({ ...s.stats(), avgMs: 0, p95Ms: 0 }, { invocations: 6, errors: 4, avgMs: 0, p95Ms: 0 });
  await s.close();
});

test('bad specs are refused with ERR_SCRIPT_INVALID before running anything', async () => {
  await assert.rejects(js('function process( {'), (e) => isOutpostError(e, 'ERR_SCRIPT_INVALID') && /compile/.test(e.message));
  await assert.rejects(js('const x = 1;'), (e) => isOutpostError(e, 'ERR_SCRIPT_INVALID') && /process/.test(e.message));
  await assert.rejects(js('function process(p) { return p; }', { memoryMb: 1 }), (e) => isOutpostError(e, 'ERR_SCRIPT_INVALID') && /memoryMb/.test(e.message));
  await assert.rejects(js('for (;;) {} function process(p) { return p; }', { timeoutMs: 200 }), (e) => isOutpostError(e, 'ERR_SCRIPT_INVALID') && /timeout/.test(e.message));
  await assert.rejects(
    createScript({ id: 'x', language: 'csharp' as 'javascript', source: 'x' }),
    (e) => isOutpostError(e, 'ERR_SCRIPT_INVALID') && /language/.test(e.message),
  );
});

test('blocking waits, large buffers, string doubling, termination swallowing and WebAssembly memory are contained', async () => {
  const cases: Record<string, [string, string[]]> = {
    atomicsWait: ['Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0);', ['timeout', 'cpu']],
    oneHugeBuffer: ['new ArrayBuffer(1024 * 1024 * 1024);', ['runtime', 'memory']],
    manyBuffers: ['const a = []; for (;;) a.push(new ArrayBuffer(16 * 1024 * 1024));', ['runtime', 'memory']],
    stringDoubling: ["let s = 'x'; for (;;) s += s;", ['runtime', 'memory']],
    swallowTermination: ['for (;;) { try { for (;;) {} } catch (e) {} finally { continue; } }', ['timeout', 'cpu']],
    wasmMemory: ['const m = new WebAssembly.Memory({ initial: 1, maximum: 65536 }); for (;;) m.grow(100);', ['runtime', 'memory', 'cpu', 'timeout']],
  };
  for (const [name, [body, reasons]] of Object.entries(cases)) {
    const s = await js(`function process(p) { ${body} return p; }`, { timeoutMs: 300, cpuTimeMs: 300, memoryMb: 32 });
    const reason = failed(await s.run(pt(1))).reason;
    assert.ok(reasons.includes(reason), `${name}: ${reason}`);
    await s.close();
  }
  assert.ok(process.memoryUsage().rss < 1024 * 1024 * 1024, 'host memory stayed bounded');
});
