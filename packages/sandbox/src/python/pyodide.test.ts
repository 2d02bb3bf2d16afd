// Python scripts run in Pyodide; a sandbox start takes seconds on a small CPU, so one script
// covers several attacks, chosen by the point's metric, and restarts happen only where a limit
// forces them.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Point } from '@outpost/contract';
import { tempDir } from '@outpost/testing';
import { createScript } from '../script.js';
import type { ScriptResult } from '../types.js';

const pt = (metric: string, value: number | string = 1): Point => ({ device: 'press-1', metric, ts: 1_700_000_000_000, value });

const SOURCE = `
import os, sys

def process(data, context):
    m = data['metric']
    if m == 'temp':
        n = context.state.get('n', 0) + 1
        context.state.set('n', n)
        prev = context.previous('temp', data['device'])
        context.log.info('call', n)
        data['value'] = data['value'] * context.config['factor'] + (prev['value'] if prev else 0)
        return [data, dict(data, metric='calls', value=n)]
    if m == 'drop':
        return None
    if m == 'listdir':
        return dict(data, value=','.join(sorted(os.listdir('/'))))
    if m == 'passwd':
        return dict(data, value=open('/etc/passwd').read())
    if m == 'system':
        return dict(data, value=str(os.system('touch ' + data['value'])))
    if m == 'subprocess':
        import subprocess
        return dict(data, value=subprocess.run(['id'], capture_output=True).stdout.decode())
    if m == 'js':
        import js
        return dict(data, value=str(js.process.pid))
    if m == 'function':
        from pyodide.ffi import to_js
        f = to_js([]).constructor.constructor
        return dict(data, value=str(f('return process.pid')()))
    if m == 'nodefs':
        import pyodide_js
        pyodide_js.mountNodeFS('/host', '/etc')
        return dict(data, value=open('/host/passwd').read())
    if m == 'exit':
        sys.exit(3)
    if m == 'bomb':
        hog = []
        while True:
            hog.append(bytearray(1 << 20))
    if m == 'recursion':
        def f(n): return f(n + 1) + 1
        return dict(data, value=f(0))
    if m == 'huge':
        return [dict(data, metric='x' * 100, value=i) for i in range(100000)]
    if m == 'loop':
        while True:
            pass
    return data
`;

function failure(r: ScriptResult): { reason: string; message: string; stack?: string } {
  assert.equal(r.ok, false, `expected a failure, got ${JSON.stringify(r).slice(0, 300)}`);
  return (r as Extract<ScriptResult, { ok: false }>).error;
}

test('Python scripts transform points under limits and cannot reach the host', { timeout: 180_000 }, async () => {
  const tmp = tempDir('outpost-sandbox-py-');
  const s = await createScript({
    id: 'py-test',
    language: 'python',
    source: SOURCE,
    config: { factor: 2 },
    limits: { timeoutMs: 4000, cpuTimeMs: 1000, memoryMb: 64, maxOutputBytes: 200_000, maxConsecutiveFailures: 1000 },
  });
  try {
    // transform, several outputs, state, previous values, logger
    const a = await s.run(pt('temp', 5));
    const b = await s.run(pt('temp', 7));
    assert.ok(a.ok && b.ok, JSON.stringify([a, b]));
    assert.deepEqual(a.points, [pt('temp', 10), pt('calls', 1)]);
    assert.deepEqual(b.points, [pt('temp', 19), pt('calls', 2)]);
    assert.deepEqual(b.logs, [{ level: 'info', message: 'call 2' }]);
    assert.deepEqual(s.state(), { n: 2 });
    const dropped = await s.run(pt('drop'));
    assert.ok(dropped.ok && dropped.points.length === 0);

    // `import os` works but sees only Pyodide's in-memory file system
    const ls = await s.run(pt('listdir'));
    assert.ok(ls.ok);
    const entries = String(ls.points[0]?.value).split(',');
    assert.ok(!entries.includes('work') && !entries.includes('usr'), `host root visible: ${entries.join(',')}`);
    assert.match(failure(await s.run(pt('passwd'))).message, /FileNotFoundError/);
    const marker = join(tmp.dir, 'pwned');
    const sys = await s.run(pt('system', marker));
    assert.ok(!sys.ok || sys.points[0]?.value !== '0', 'os.system must not succeed');
    assert.equal(existsSync(marker), false, 'os.system reached the host');
    assert.equal(failure(await s.run(pt('subprocess'))).reason, 'runtime');
    // the JavaScript side of Pyodide: empty `js` module, no code generation, no host file system
    assert.match(failure(await s.run(pt('js'))).message, /AttributeError|has no attribute/);
    assert.match(failure(await s.run(pt('function'))).message, /EvalError|Code generation/);
    assert.equal(failure(await s.run(pt('nodefs'))).reason, 'runtime');
    // sys.exit is an ordinary failure; the sandbox keeps serving
    assert.match(failure(await s.run(pt('exit'))).message, /SystemExit/);
    assert.match(failure(await s.run(pt('recursion'))).message, /RecursionError/);
    assert.equal(failure(await s.run(pt('huge'))).reason, 'output');
    // memory bomb: WebAssembly growth is capped, Python raises MemoryError
    assert.equal(failure(await s.run(pt('bomb'))).reason, 'memory');
    const ok = await s.run(pt('temp', 1));
    assert.ok(ok.ok, 'still serving after a memory bomb');

    // while True burns CPU: the watchdog kills the process at the CPU-time limit, before the wall clock
    const t0 = performance.now();
    assert.equal(failure(await s.run(pt('loop'))).reason, 'cpu');
    assert.ok(performance.now() - t0 < 3500, 'stopped by the CPU limit, not the 4 s wall-clock limit');
    // rebuilt for the next call, with the last committed state
    const after = await s.run(pt('temp', 1));
    assert.ok(after.ok, JSON.stringify(after));
    assert.deepEqual(after.points[1], pt('calls', 4));
  } finally {
    await s.close();
    tmp.cleanup();
  }
});

test('a Python script without process() or with a syntax error is refused', { timeout: 120_000 }, async () => {
  await assert.rejects(
    createScript({ id: 'bad', language: 'python', source: 'def process(data, context)\n  return data\n' }),
    (e: Error) => /ERR_SCRIPT_INVALID|cannot be loaded/.test(`${(e as { code?: string }).code} ${e.message}`) && /SyntaxError/.test(e.message),
  );
});

test('Python while True is stopped at the wall-clock limit while the host event loop keeps running', { timeout: 120_000 }, async () => {
  const s = await createScript({ id: 'py-loop', language: 'python', source: 'def process(data, context):\n    while True:\n        pass\n', limits: { timeoutMs: 600, cpuTimeMs: 60_000 } });
  try {
    let ticks = 0;
    let maxLag = 0;
    let last = performance.now();
    const timer = setInterval(() => {
      const now = performance.now();
      maxLag = Math.max(maxLag, now - last - 10);
      last = now;
      ticks++;
    }, 10);
    const t0 = performance.now();
    const r = await s.run(pt('loop'));
    clearInterval(timer);
    assert.equal(failure(r).reason, 'timeout');
    assert.ok(performance.now() - t0 < 2000);
    assert.ok(ticks > 30, `host timer ticked only ${ticks} times during the loop`);
    assert.ok(maxLag < 100, `host event loop lagged ${maxLag.toFixed(1)} ms`);
  } finally {
    await s.close();
  }
});
