/**
 * bench:alerts — latency from a point published on MQTT to the alert action's MQTT publish seen
 * by a subscriber, with 1,000 active rules (500 per-device thresholds, 500 per-device geofences),
 * at 1k and 10k points/s. The gateway runs in a child process (embedded broker); this process
 * publishes and subscribes. 1 in 20 threshold points crosses the raise level and carries its
 * sequence number as the value; the next point of that device clears it, so every raise runs the
 * MQTT action once (rate limit and de-dup set out of the way) and its `{value}` identifies it.
 * Each tracked device crosses its fence once a second at 10k/s (enter, then exit), on its own
 * phase; one extra cell (10k/s, `_lockstep`) has all 500 cross within the same 100 ms (see Fences).
 * Each run first drives the same load for a warm-up (2 s; 1 s with --quick) and waits for its
 * alerts: latency, CPU and event-loop figures are of the steady state after it, and the warm-up's
 * own p99 is printed as `warmup_p99_ms_*` (a gateway that just started is slower: JIT, heap growth).
 * Then (full mode, or --quick with --nodered; --no-nodered skips it) the reference edge job of
 * ../shared/bench/edge-pipeline against Node-RED in the same run (edge-side-by-side.ts).
 * Usage: npm run bench:alerts [-- --quick] [--nodered | --no-nodered]
 * Diagnosis (env): BENCH_RATES=10000, BENCH_SYNC=normal, BENCH_WARMUP_SECONDS, BENCH_WARMUP_RATE, BENCH_FENCES, BENCH_ECHO=1 (below),
 * BENCH_TRACE=1 (each alert over 5 ms: send time, epoch ms mod 100 s, and latency), BENCH_GC_MS=3
 * (the gateway child logs GC pauses and event-loop stalls of 3 ms or more, on the same clock),
 * BENCH_HEAP_PROF=/tmp/x (sampled allocations of the gateway child, collected ones included; see
 * gateway-child.ts for BENCH_HEAP_LIVE, BENCH_HEAP_AT_MS, BENCH_HEAP_SNAPSHOT_AT_MS), BENCH_CHILD_NODE_ARGS
 * (e.g. --cpu-prof, --trace-gc-nvp), BENCH_GATEWAY_STORE, BENCH_GATEWAY_CONFIG, BENCH_NAGLE=1.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import mqtt from 'mqtt';
import { tempDir } from '@outpost/testing';
import { bundleChild } from '../lib/bundle.js';
import { launcherNodeFlags } from '../lib/launcher-flags.js';
import { evaluationCostMsPer1k } from './evaluate-only.js';
import { edgeSideBySide } from './edge-side-by-side.js';

const quick = process.argv.includes('--quick');
const SECONDS = quick ? 4 : 10;
const REPEATS = quick ? 1 : 3;
const WARMUP_SECONDS = Number(process.env.BENCH_WARMUP_SECONDS ?? (quick ? 1 : 2));
// Diagnosis: the warm-up's rate (default: the measured rate), e.g. to warm a 10k/s run at 1k/s.
const WARMUP_RATE = process.env.BENCH_WARMUP_RATE ? Number(process.env.BENCH_WARMUP_RATE) : undefined;
const RATES = (process.env.BENCH_RATES ?? '1000,10000').split(',').map(Number);
const DEVICES = 1000;
/**
 * How the 500 tracked devices cross their fences (each once a second at 10k/s, so 500 crossings a
 * second either way): `staggered` (judged) — each device on its own phase, as independent vehicles
 * move; `lockstep` — all of them within the same 100 ms every second (5,000 fence events/s in that
 * window on top of the points), a stress pattern, printed with the suffix `_lockstep` for 10k/s.
 * BENCH_FENCES=staggered|lockstep narrows the run to one.
 */
type Fences = 'staggered' | 'lockstep';
const TRIGGER_EVERY = 20;
// The gateway as users run it: the bundle `npm run build` makes (no tsx loader) with the launcher's Node flags.
const GATEWAY_CHILD = await bundleChild(fileURLToPath(new URL('./gateway-child.ts', import.meta.url)), 'alerts-gateway-child.mjs');
const LAUNCHER_FLAGS = launcherNodeFlags().split(' ').filter(Boolean);

function rules(): unknown[] {
  const out: unknown[] = [];
  for (let i = 0; i < DEVICES; i++) {
    const device = `dev-${i}`;
    if (i % 2 === 0) {
      out.push({ id: `hot-${i}`, kind: 'threshold', devices: [device], metric: 'temp', op: '>', raise: 90, clear: 80, actionsPerMinute: 1e9, dedupeSeconds: 0,
        actions: [{ type: 'mqtt', topic: 'bench/alerts/{device}', payload: '{value}', qos: 0 }] });
    } else {
      const lon = 10 + (i % 50) * 0.01;
      const lat = 50 + Math.floor(i / 50) * 0.01;
      out.push({ id: `fence-${i}`, kind: 'geofence', devices: [device], polygon: [[lon, lat], [lon + 0.005, lat], [lon + 0.005, lat + 0.005], [lon, lat + 0.005], [lon, lat]], on: ['enter', 'exit'],
        actionsPerMinute: 1e9, dedupeSeconds: 0, actions: [{ type: 'mqtt', topic: 'bench/fence/{device}', payload: '{change}', qos: 0 }] });
    }
  }
  return out;
}

interface Stats { cpuUs: number; sysUs: number; rss: number; loopDelay: { p99: number; max: number }; committed: { commits: number } }
interface RunResult { sent: number; triggers: number; received: number; warmTriggers: number; warmReceived: number; warmP99: number; p50: number; p99: number; max: number; cpuMsPer1k: number; rssMb: number; fenceActions: number; loopDelayP99: number; loopDelayMax: number; loadgenCpuMsPer1k: number; commitsPerSecond: number; sysShare: number }

async function startChild(dir: string, synchronous: string): Promise<{ child: ChildProcess; url: string; stats(): Promise<Stats> }> {
  // BENCH_GATEWAY_STORE (JSON) adds gateway.store settings, e.g. '{"checkpoint":"background"}', to compare them.
  const store = { synchronous, ...(JSON.parse(process.env.BENCH_GATEWAY_STORE ?? '{}') as Record<string, unknown>) };
  // BENCH_GATEWAY_CONFIG (JSON) adds other gateway settings, e.g. '{"rollups":{"enabled":false}}'.
  const cfg = { id: 'gw-bench', dataDir: dir, mqtt: { port: 0 }, http: { port: 0 }, log: { level: 'silent' }, store, alerts: { rules: rules() }, ...(JSON.parse(process.env.BENCH_GATEWAY_CONFIG ?? '{}') as Record<string, unknown>) };
  const cfgFile = `${dir}/bench-config.json`;
  writeFileSync(cfgFile, JSON.stringify(cfg));
  // BENCH_CHILD_NODE_ARGS (e.g. `--cpu-prof --cpu-prof-dir=/tmp/prof`) profiles the gateway under load.
  const nodeArgs = (process.env.BENCH_CHILD_NODE_ARGS ?? '').split(' ').filter(Boolean);
  const child = spawn(process.execPath, [...LAUNCHER_FLAGS, ...nodeArgs, GATEWAY_CHILD, cfgFile], { stdio: ['pipe', 'pipe', 'inherit'] });
  let buf = '';
  const waiters: ((line: string) => void)[] = [];
  child.stdout!.on('data', (d: Buffer) => {
    buf += d.toString();
    let nl: number;
    while ((nl = buf.indexOf('\n')) >= 0) {
      const line = buf.slice(0, nl);
      buf = buf.slice(nl + 1);
      // Other lines on stdout come from Node flags such as --trace-gc: pass them on.
      if (/^(READY|STATS|Error|error)/.test(line)) waiters.shift()?.(line); else process.stderr.write(`child: ${line}\n`);
    }
  });
  const next = () => new Promise<string>((r) => waiters.push(r));
  const ready = await next();
  if (!ready.startsWith('READY ')) throw new Error(`gateway child: ${ready}`);
  return {
    child, url: ready.slice(6),
    async stats() { const p = next(); child.stdin!.write('STATS\n'); return JSON.parse((await p).slice(6)) as Stats; },
  };
}

async function runOnce(rate: number, synchronous: string, fences: Fences): Promise<RunResult> {
  const tmp = tempDir('outpost-bench-alerts-');
  const gw = await startChild(tmp.dir, synchronous);
  const sub = await mqtt.connectAsync(gw.url);
  const pub = await mqtt.connectAsync(gw.url);
  // BENCH_NAGLE=1 leaves Nagle's algorithm on in the load generator's sockets (mqtt.js's default).
  if (process.env.BENCH_NAGLE !== '1') for (const c of [sub, pub]) (c.stream as { setNoDelay?: (on: boolean) => void }).setNoDelay?.(true);
  const sentAt = new Map<number, number>();
  const trace: [number, number][] = [];
  const lat: number[] = [];
  const warmLat: number[] = [];
  let firstMeasuredSeq = Number.POSITIVE_INFINITY;
  let fenceActions = 0;
  // BENCH_ECHO=1 (diagnosis): also receive the triggering telemetry as the broker forwards it once
  // ingest has taken it, splitting the latency into reaching the gateway and the alert path in it.
  const echo = process.env.BENCH_ECHO === '1';
  const echoSent = new Map<number, number>();
  const alertAt = new Map<number, number>();
  const toEcho: number[] = [];
  const echoToAlert: number[] = [];
  sub.on('message', (topic, m) => {
    const t = performance.now();
    if (topic.startsWith('bench/fence/')) { fenceActions++; return; }
    if (echo && topic.startsWith('outpost/')) {
      const v = (JSON.parse(m.toString()) as { temp?: number }).temp;
      const s = v !== undefined && v >= 1000 ? echoSent.get(v - 1000) : undefined;
      const a = v !== undefined ? alertAt.get(v - 1000) : undefined;
      if (s !== undefined) toEcho.push(t - s);
      if (a !== undefined) echoToAlert.push(a - t);
      return;
    }
    const seq = Number(m.toString()) - 1000;
    const s = sentAt.get(seq);
    if (s !== undefined) { (seq >= firstMeasuredSeq ? lat : warmLat).push(t - s); if (process.env.BENCH_TRACE && seq >= firstMeasuredSeq) trace.push([Math.round(performance.timeOrigin + s) % 100_000, Math.round((t - s) * 10) / 10]); sentAt.delete(seq); }
    if (echo) alertAt.set(seq, t);
  });
  await sub.subscribeAsync(echo ? ['bench/#', 'outpost/v1/+/telemetry'] : 'bench/#', { qos: 0 });
  // warm up: every device once, below any level and outside every fence
  for (let i = 0; i < DEVICES; i++) pub.publish(`outpost/v1/dev-${i}/telemetry`, JSON.stringify(i % 2 === 0 ? { temp: 20 } : { lat: 0, lon: 0 }), { qos: 0 });
  await new Promise((r) => setTimeout(r, 1000));
  const devState = new Uint8Array(DEVICES);
  let sent = 0;
  let seq = 0;
  let triggers = 0;
  // Drives `rate` points/s for `seconds`: 1 in 20 threshold points raises (its value carries its
  // sequence number), the device's next point clears it; geofence devices move in and out.
  const drive = (seconds: number, rate: number) => new Promise<void>((resolve) => {
    const start = performance.now();
    const first = sent;
    const total = first + rate * seconds;
    const tick = () => {
      const due = Math.min(total, first + Math.floor(((performance.now() - start) / 1000) * rate));
      while (sent < due) {
        const i = sent % DEVICES;
        let body: string;
        if (i % 2 === 0) {
          if (devState[i] === 1) { body = '{"temp":20}'; devState[i] = 0; }
          else if (sent % TRIGGER_EVERY === 0) { seq++; triggers++; sentAt.set(seq, performance.now()); if (echo) echoSent.set(seq, sentAt.get(seq)!); body = `{"temp":${1000 + seq}}`; devState[i] = 1; }
          else body = '{"temp":50}';
        } else {
          const lon = 10 + (i % 50) * 0.01 + (Math.floor(sent / DEVICES / 10 + (fences === 'staggered' ? i / DEVICES : 0)) % 2 === 0 ? 0.002 : 0.02);
          const lat = 50 + Math.floor(i / 50) * 0.01 + 0.002;
          body = JSON.stringify({ lat, lon });
        }
        pub.publish(`outpost/v1/dev-${i}/telemetry`, body, { qos: 0 });
        sent++;
      }
      // A 1 ms timer, not setImmediate: spinning on setImmediate kept a core busy in this process
      // (~450 ms CPU per second at 1k/s), taken from the gateway on a 2-core machine.
      if (sent >= total) resolve(); else setTimeout(tick, 1);
    };
    tick();
  });
  // Warm-up at the measured rate and pattern (raises, clears, fence changes) so the first second's
  // JIT compilation and allocation growth are not measured as steady state; reported separately.
  await drive(WARMUP_SECONDS, WARMUP_RATE ?? rate);
  const warmDeadline = performance.now() + 15_000;
  while (sentAt.size > 0 && performance.now() < warmDeadline) await new Promise((r) => setTimeout(r, 20));
  const warmTriggers = triggers;
  const st0 = await gw.stats();
  const cpu0 = st0.cpuUs;
  const loadgen0 = process.cpuUsage();
  const sent0 = sent;
  fenceActions = 0;
  triggers = 0;
  firstMeasuredSeq = seq + 1;
  const t0 = performance.now();
  await drive(SECONDS, rate);
  // Wait long enough that a missing alert means lost, not late (a loaded machine queues seconds).
  const deadline = performance.now() + 15_000;
  while (sentAt.size > 0 && performance.now() < deadline) await new Promise((r) => setTimeout(r, 20));
  const st = await gw.stats();
  const loadgen = process.cpuUsage(loadgen0);
  gw.child.kill('SIGTERM');
  await once(gw.child, 'exit');
  await sub.endAsync();
  await pub.endAsync();
  tmp.cleanup();
  if (echo) {
    const pq = (xs: number[], f: number) => { const v = [...xs].sort((a, b) => a - b); return Math.round(v[Math.min(v.length - 1, Math.floor(f * v.length))]! * 100) / 100; };
    process.stderr.write(`echo: publish -> telemetry forwarded p50 ${pq(toEcho, 0.5)} p99 ${pq(toEcho, 0.99)} ms; forwarded -> alert p50 ${pq(echoToAlert, 0.5)} p99 ${pq(echoToAlert, 0.99)} ms (${echoToAlert.length} of ${triggers}; negative: the alert came first)\n`);
  }
  if (process.env.BENCH_TRACE) process.stderr.write(`trace: ${JSON.stringify(trace.filter((x) => x[1] > 5))}\n`);
  lat.sort((a, b) => a - b);
  const q = (f: number) => (lat.length ? lat[Math.min(lat.length - 1, Math.floor(f * lat.length))]! : Number.NaN);
  const measured = sent - sent0;
  warmLat.sort((a, b) => a - b);
  const warmP99 = warmLat.length ? warmLat[Math.min(warmLat.length - 1, Math.floor(0.99 * warmLat.length))]! : Number.NaN;
  return { sent: measured, triggers, received: lat.length, warmTriggers, warmReceived: warmLat.length, warmP99, p50: q(0.5), p99: q(0.99), max: lat[lat.length - 1] ?? Number.NaN, cpuMsPer1k: (st.cpuUs - cpu0) / 1000 / (measured / 1000), rssMb: st.rss / 1024 / 1024, fenceActions,
    loopDelayP99: st.loopDelay.p99, loopDelayMax: st.loopDelay.max, loadgenCpuMsPer1k: (loadgen.user + loadgen.system) / 1000 / (measured / 1000),
    sysShare: (st.sysUs - st0.sysUs) / Math.max(1, st.cpuUs - cpu0),
    commitsPerSecond: (st.committed.commits - st0.committed.commits) / ((performance.now() - t0) / 1000) };
}

const median = (xs: number[]) => { const s = [...xs].sort((a, b) => a - b); return s[Math.floor(s.length / 2)]!; };
const r2 = (n: number) => Math.round(n * 100) / 100;

const figures: Record<string, { value: number; unit: string; target?: number; meets?: boolean }> = {};
const conditions: Record<string, unknown> = { loadAverage1mAtStart: r2((await import('node:os')).loadavg()[0]!), rules: 1000, mix: '500 thresholds + 500 geofences, one per device', fences: 'staggered crossings (each tracked device on its own phase) for the judged cells; lockstep (all within 100 ms each second) for the _lockstep cell', devices: DEVICES, triggerEvery: TRIGGER_EVERY, seconds: SECONDS, warmupSeconds: WARMUP_SECONDS, repeats: REPEATS, qos: 0, gateway_build: 'esbuild bundle as built by npm run build, launcher Node flags (no tsx loader)', node: process.version, cpus: (await import('node:os')).cpus().length };
for (const synchronous of (process.env.BENCH_SYNC ?? 'normal,full').split(',')) {
  const cells: [number, Fences][] = RATES.map((rate) => [rate, 'staggered']);
  // The lockstep stress pattern once per run of the bench: at 10k/s with synchronous normal.
  if (RATES.includes(10_000) && synchronous === (process.env.BENCH_SYNC ?? 'normal,full').split(',')[0]) cells.push([10_000, 'lockstep']);
  const only = process.env.BENCH_FENCES;
  for (const [rate, fences] of cells.filter(([, f]) => !only || f === only)) {
    const runs: RunResult[] = [];
    for (let k = 0; k < REPEATS; k++) runs.push(await runOnce(rate, synchronous, fences));
    const tag = `${rate / 1000}k_${synchronous}${fences === 'lockstep' ? '_lockstep' : ''}`;
    const m = (f: (r: RunResult) => number) => r2(median(runs.map(f)));
    const delivered = runs.every((r) => r.received === r.triggers && r.warmReceived === r.warmTriggers);
    figures[`p50_ms_${tag}`] = { value: m((r) => r.p50), unit: 'ms' };
    figures[`p99_ms_${tag}`] = { value: m((r) => r.p99), unit: 'ms', ...(rate === 10_000 && fences === 'staggered' ? { target: 5, meets: m((r) => r.p99) < 5 } : {}) };
    figures[`max_ms_${tag}`] = { value: m((r) => r.max), unit: 'ms' };
    figures[`warmup_p99_ms_${tag}`] = { value: m((r) => r.warmP99), unit: 'ms' };
    figures[`alerts_delivered_${tag}`] = { value: m((r) => r.received / r.triggers), unit: 'ratio', target: 1, meets: delivered };
    figures[`cpu_ms_per_1k_points_${tag}`] = { value: m((r) => r.cpuMsPer1k), unit: 'ms' };
    figures[`rss_mb_${tag}`] = { value: m((r) => r.rssMb), unit: 'MB' };
    figures[`event_loop_delay_p99_ms_${tag}`] = { value: m((r) => r.loopDelayP99), unit: 'ms' };
    figures[`event_loop_delay_max_ms_${tag}`] = { value: m((r) => r.loopDelayMax), unit: 'ms' };
    figures[`loadgen_cpu_ms_per_1k_points_${tag}`] = { value: m((r) => r.loadgenCpuMsPer1k), unit: 'ms' };
    figures[`group_commits_per_s_${tag}`] = { value: m((r) => r.commitsPerSecond), unit: '1/s' };
    figures[`gateway_kernel_cpu_share_${tag}`] = { value: m((r) => r.sysShare), unit: 'ratio' };
    process.stderr.write(`${tag}: ${JSON.stringify(runs.map((r) => ({ ...r, p50: r2(r.p50), p99: r2(r.p99), max: r2(r.max), warmP99: r2(r.warmP99), cpuMsPer1k: r2(r.cpuMsPer1k), rssMb: r2(r.rssMb), loopDelayP99: r2(r.loopDelayP99), loopDelayMax: r2(r.loopDelayMax), loadgenCpuMsPer1k: r2(r.loadgenCpuMsPer1k), commitsPerSecond: r2(r.commitsPerSecond), sysShare: r2(r.sysShare) })))}\n`);
  }
}
const evalCost = median(Array.from({ length: REPEATS }, () => evaluationCostMsPer1k(rules(), DEVICES, TRIGGER_EVERY)));
figures.evaluation_cpu_ms_per_1k_points = { value: r2(evalCost), unit: 'ms' };
conditions.loadAverage1mAtEnd = r2((await import('node:os')).loadavg()[0]!);
const nodeRed = !process.argv.includes('--no-nodered') && (!quick || process.argv.includes('--nodered'));
if (nodeRed) {
  const edge = await edgeSideBySide(quick, (l) => process.stderr.write(`${l}\n`));
  if ('skipped' in edge) conditions.nodeRedComparison = `skipped: ${edge.skipped}`;
  else { Object.assign(figures, edge.figures); Object.assign(conditions, edge.conditions); }
  conditions.loadAverage1mAfterNodeRed = r2((await import('node:os')).loadavg()[0]!);
} else conditions.nodeRedComparison = 'not run (--quick without --nodered, or --no-nodered)';
process.stdout.write(`${JSON.stringify({ bench: 'alerts', figures, conditions })}\n`);
process.exit(0);
