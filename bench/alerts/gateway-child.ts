/**
 * The gateway under test, in its own process so the load generator does not share its event
 * loop: reads a gateway config (a JSON file named by argv[2]), starts it, prints its MQTT address on stdout
 * as `READY <url>`, prints CPU, RSS and the event-loop delay since the previous `STATS` on `STATS`,
 * stops on SIGTERM.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { monitorEventLoopDelay, PerformanceObserver } from 'node:perf_hooks';
import { loadConfig } from '@outpost/config';
import { startGateway } from '@outpost/gateway';

const overrides = JSON.parse(readFileSync(process.argv[2]!, 'utf8')) as Record<string, unknown>;
const gw = await startGateway(loadConfig({ overrides: { gateway: overrides } }).gateway);
// BENCH_GC_MS=<ms> (diagnosis): log every GC pause of at least that many ms to stderr.
const gcMs = Number(process.env.BENCH_GC_MS ?? 0);
if (gcMs > 0) {
  const abs = (t: number) => Math.round(performance.timeOrigin + t) % 100_000;
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) if (e.duration >= gcMs) process.stderr.write(`gc at ${abs(e.startTime)}: kind ${(e as unknown as { detail?: { kind?: number } }).detail?.kind} ${e.duration.toFixed(1)} ms\n`);
  }).observe({ entryTypes: ['gc'] });
  // Stalls: a 1 ms timer that fired late by at least BENCH_GC_MS.
  let last = performance.now();
  setInterval(() => {
    const now = performance.now();
    if (now - last - 1 >= gcMs) process.stderr.write(`stall at ${abs(last)}: ${(now - last).toFixed(1)} ms\n`);
    last = now;
  }, 1).unref();
}
const loop = monitorEventLoopDelay({ resolution: 1 });
loop.enable();
process.stdout.write(`READY ${gw.addresses.mqtt}\n`);
process.stdin.on('data', (d) => {
  if (d.toString().includes('STATS')) {
    const u = process.resourceUsage();
    // Event-loop delay (ms): how long a message that arrives may wait for the loop (commits, GC).
    const loopDelay = { p99: loop.percentile(99) / 1e6, max: loop.max / 1e6 };
    loop.reset();
    process.stdout.write(`STATS ${JSON.stringify({ cpuUs: u.userCPUTime + u.systemCPUTime, sysUs: u.systemCPUTime, rss: process.memoryUsage().rss, loopDelay, committed: gw.status().ingest })}\n`);
  }
});
// BENCH_HEAP_PROF=<file> (diagnosis): sampled allocations of the whole run (every BENCH_HEAP_INTERVAL
// bytes, default 16 KiB), written as a .heapprofile (Chrome DevTools) at SIGTERM. By default
// collected objects are included (where GC work comes from); BENCH_HEAP_LIVE=1: only those still
// alive; BENCH_HEAP_LIVE=promoted: those that outlived a young-generation GC (what gets promoted).
const heapProf = process.env.BENCH_HEAP_PROF;
const inspector = heapProf ? new Session() : undefined;
if (inspector) {
  inspector.connect();
  await inspector.post('HeapProfiler.startSampling', { samplingInterval: Number(process.env.BENCH_HEAP_INTERVAL ?? 16_384), includeObjectsCollectedByMajorGC: process.env.BENCH_HEAP_LIVE !== '1', includeObjectsCollectedByMinorGC: process.env.BENCH_HEAP_LIVE !== '1' && process.env.BENCH_HEAP_LIVE !== 'promoted' });
}
// BENCH_HEAP_SNAPSHOT_AT_MS=<ms> with BENCH_HEAP_PROF=<file>: a full heap snapshot at that moment.
if (process.env.BENCH_HEAP_SNAPSHOT_AT_MS && heapProf) {
  setTimeout(() => {
    const snap = new Session();
    snap.connect();
    const chunks: string[] = [];
    snap.on('HeapProfiler.addHeapSnapshotChunk', (m) => chunks.push(m.params.chunk));
    void snap.post('HeapProfiler.takeHeapSnapshot', { reportProgress: false }).then(() => writeFileSync(`${heapProf}.${process.pid}.heapsnapshot`, chunks.join('')));
  }, Number(process.env.BENCH_HEAP_SNAPSHOT_AT_MS)).unref();
}
let heapWritten = false;
const writeHeapProfile = async () => {
  if (!inspector || heapWritten) return;
  heapWritten = true;
  writeFileSync(`${heapProf}.${process.pid}.heapprofile`, JSON.stringify((await inspector.post('HeapProfiler.stopSampling')).profile));
};
// BENCH_HEAP_AT_MS: stop sampling that long after start instead (with BENCH_HEAP_LIVE=1: what is
// alive at that moment, under load).
if (process.env.BENCH_HEAP_AT_MS) setTimeout(() => void writeHeapProfile(), Number(process.env.BENCH_HEAP_AT_MS)).unref();
process.on('SIGTERM', () => {
  void (async () => {
    await writeHeapProfile();
    await gw.stop();
    process.exit(0);
  })();
});
