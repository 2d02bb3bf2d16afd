// Sandbox throughput and added latency: a small transform (°C → °F) in JavaScript (V8 isolate via
// isolated-vm) and Python (Pyodide process), one point per call and batches of 100, against the
// same function called directly in Node in the same run. Calls are sequential (await each), as a
// pipeline node makes them. Each case gets one discarded warm-up window (JIT, isolate heap), then
// the median of the measured windows.
// "On one core" is points per CPU-second: all CPU time of this process (main thread, isolate
// threads, GC) plus that of its children (the Pyodide process), so work moved to another thread or
// process is still counted. Wall-clock figures are printed too; on a shared machine they mostly
// measure waiting for a core. Usage: npm run bench:sandbox [-- --quick]
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import type { Point } from '@outpost/contract';
import { createScript, DEFAULT_SCRIPT_LIMITS, type SandboxedScript } from '@outpost/sandbox';

const quick = process.argv.includes('--quick');
const reps = quick ? 3 : 5;
const windowMs = quick ? 400 : 1500;
const TARGET_JS_BATCH = 200_000;
// The machine is shared: the load average says how far the figures are depressed.
const loadAtStart = Math.round(loadavg()[0]! * 100) / 100;

const JS_SOURCE = `function process(data) {
  const f = (p) => ({ ...p, value: p.value * 1.8 + 32, unit: 'degF' });
  return Array.isArray(data) ? data.map(f) : f(data);
}`;
const PY_SOURCE = `def process(data, context):
    def f(p):
        q = dict(p)
        q['value'] = p['value'] * 1.8 + 32
        q['unit'] = 'degF'
        return q
    return [f(p) for p in data] if isinstance(data, list) else f(data)
`;
function direct(data: Point | Point[]): Point | Point[] {
  const f = (p: Point): Point => ({ ...p, value: (p.value as number) * 1.8 + 32, unit: 'degF' });
  return Array.isArray(data) ? data.map(f) : f(data);
}

const point = (i: number): Point => ({ device: 'press-1', metric: 'temp', ts: 1_700_000_000_000 + i, value: 20 + (i % 10), unit: 'degC' });
const batch = Array.from({ length: 100 }, (_, i) => point(i));

interface Run { callsPerS: number; pointsPerS: number; usPerCall: number; pointsPerCpuS: number }

const clockTicks = (() => {
  try {
    return Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
  } catch {
    return 100;
  }
})();
let childrenCounted = process.platform === 'linux';

/** CPU seconds of this process (every thread) and of its live children (read from /proc). */
function cpuSeconds(): number {
  const own = process.cpuUsage();
  let s = (own.user + own.system) / 1e6;
  if (!childrenCounted) return s;
  try {
    for (const tid of readdirSync('/proc/self/task')) {
      for (const pid of readFileSync(`/proc/self/task/${tid}/children`, 'utf8').split(' ').filter(Boolean)) {
        const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
        const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
        s += (Number(f[11]) + Number(f[12])) / clockTicks; // utime, stime
      }
    }
  } catch {
    childrenCounted = false; // no /proc children list: this process only (said in the conditions)
  }
  return s;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[s.length >> 1] as number;
}

async function measure(call: () => Promise<unknown> | unknown, pointsPerCall: number): Promise<Run> {
  const runs: Run[] = [];
  for (let r = -1; r < reps; r++) {
    let n = 0;
    const cpu0 = cpuSeconds();
    const t0 = performance.now();
    while (performance.now() - t0 < windowMs) {
      await call();
      n++;
    }
    const s = (performance.now() - t0) / 1000;
    const cpuS = cpuSeconds() - cpu0;
    if (r < 0) continue; // warm-up
    runs.push({ callsPerS: n / s, pointsPerS: (n * pointsPerCall) / s, usPerCall: (s * 1e6) / n, pointsPerCpuS: (n * pointsPerCall) / cpuS });
  }
  return {
    callsPerS: median(runs.map((x) => x.callsPerS)),
    pointsPerS: median(runs.map((x) => x.pointsPerS)),
    usPerCall: median(runs.map((x) => x.usPerCall)),
    pointsPerCpuS: median(runs.map((x) => x.pointsPerCpuS)),
  };
}

async function checked(s: SandboxedScript, data: Point | Point[]): Promise<void> {
  const r = await s.run(data);
  if (!r.ok) throw new Error(`${s.id} failed: ${r.error.reason}: ${r.error.message}`);
}

const js = await createScript({ id: 'bench-js', language: 'javascript', source: JS_SOURCE });
const py = await createScript({ id: 'bench-py', language: 'python', source: PY_SOURCE });
// correctness first: the sandboxed and direct results must agree
const expected = JSON.stringify(direct(batch));
for (const s of [js, py]) {
  const r = await s.run(batch);
  if (!r.ok || JSON.stringify(r.points) !== expected) throw new Error(`${s.id} result differs from the direct call`);
}

const rows: Record<string, Run> = {};
rows.direct_1 = await measure(() => direct(point(1)), 1);
rows.direct_100 = await measure(() => direct(batch), 100);
rows.js_1 = await measure(() => checked(js, point(1)), 1);
rows.js_100 = await measure(() => checked(js, batch), 100);
rows.py_1 = await measure(() => checked(py, point(1)), 1);
rows.py_100 = await measure(() => checked(py, batch), 100);
await js.close();
await py.close();

const r = (k: string) => rows[k] as Run;
const round = (x: number, d = 1) => Math.round(x * 10 ** d) / 10 ** d;
console.log(`sandbox bench (${quick ? 'quick' : 'full'}): median of ${reps} runs of ${windowMs} ms after a warm-up run, sequential calls`);
for (const [k, v] of Object.entries(rows)) {
  console.log(`  ${k.padEnd(11)} ${round(v.callsPerS, 0).toString().padStart(10)} calls/s ${round(v.pointsPerS, 0).toString().padStart(11)} points/s ${round(v.usPerCall, 2).toString().padStart(9)} µs/call ${round(v.pointsPerCpuS, 0).toString().padStart(11)} points/CPU-s`);
}
const jsBatch = r('js_100');
console.log(JSON.stringify({
  bench: 'sandbox',
  figures: {
    js_batch100_points_per_s: { value: round(jsBatch.pointsPerS, 0), unit: 'points/s', target: TARGET_JS_BATCH, meets: jsBatch.pointsPerS >= TARGET_JS_BATCH },
    // All threads of the process (main + isolate threads) per CPU-second: the "one core" figure.
    js_batch100_points_per_cpu_s: { value: round(jsBatch.pointsPerCpuS, 0), unit: 'points/CPU-s', target: TARGET_JS_BATCH, meets: jsBatch.pointsPerCpuS >= TARGET_JS_BATCH },
    // CPU per point in the sandbox over CPU per point called directly, same run: steadier than
    // either figure alone when other work slows the whole machine.
    js_batch100_cpu_vs_direct: { value: round(r('direct_100').pointsPerCpuS / jsBatch.pointsPerCpuS, 1), unit: '×' },
    js_batch100_calls_per_s: { value: round(jsBatch.callsPerS, 0), unit: 'calls/s' },
    js_single_calls_per_s: { value: round(r('js_1').callsPerS, 0), unit: 'calls/s' },
    js_single_added_latency_us: { value: round(r('js_1').usPerCall - r('direct_1').usPerCall, 2), unit: 'µs/call' },
    js_batch100_added_latency_us: { value: round(jsBatch.usPerCall - r('direct_100').usPerCall, 2), unit: 'µs/call' },
    py_batch100_points_per_s: { value: round(r('py_100').pointsPerS, 0), unit: 'points/s' },
    py_batch100_points_per_cpu_s: { value: round(r('py_100').pointsPerCpuS, 0), unit: 'points/CPU-s' },
    py_single_calls_per_s: { value: round(r('py_1').callsPerS, 0), unit: 'calls/s' },
    py_single_added_latency_us: { value: round(r('py_1').usPerCall - r('direct_1').usPerCall, 2), unit: 'µs/call' },
    py_batch100_added_latency_us: { value: round(r('py_100').usPerCall - r('direct_100').usPerCall, 2), unit: 'µs/call' },
    direct_batch100_points_per_s: { value: round(r('direct_100').pointsPerS, 0), unit: 'points/s' },
    direct_single_calls_per_s: { value: round(r('direct_1').callsPerS, 0), unit: 'calls/s' },
  },
  conditions: {
    quick, runs: reps, window_ms: windowMs, warmup_runs: 1, sequential_calls: true,
    cpu_counted: childrenCounted ? 'this process (all threads) and its child processes' : 'this process (all threads); child processes not counted', js_runtime: 'isolated-vm 5 (V8 isolate)', python_runtime: 'pyodide 0.27 (CPython 3.12 wasm) in a child process',
    limits: DEFAULT_SCRIPT_LIMITS, cpu: cpus()[0]?.model ?? 'unknown', cores: cpus().length, node: process.version,
    load_avg_1m_start: loadAtStart, load_avg_1m_end: Math.round(loadavg()[0]! * 100) / 100,
  },
}));
