// Uplink drain after an outage: the outbox of a real gateway store is filled while the hub is
// down, then the hub's ingest endpoint (a separate process: the same routes and SQLite store the
// hub registers) comes up and the gateway drains to it over loopback. Reports the drain rate, wire
// bytes per point against the same points as JSON, gateway RSS during the drain, and the time from
// link recovery (first good probe) to the first delivered batch; plus gzip vs zstd on one batch,
// the measurement behind the choice of gzip. Usage: npm run bench:uplink [-- --quick]
import { cpus } from 'node:os';
import { gzipSync } from 'node:zlib';
import { init as zstdInit, compress as zstdCompress } from '@bokuweb/zstd-wasm';
import { encodePointSet } from '@outpost/contract/wire/index';
import { GatewayStore } from '@outpost/storage';
import { freePort, tempDir, waitFor } from '@outpost/testing';
import { createUplink } from '@outpost/uplink';
import { startProc } from '../../packages/uplink/src/e2e/procs.js';
import { GATEWAY_ID, hubConfig, TOKEN } from '../../packages/uplink/src/e2e/fixtures.js';
import { telemetry } from './workload.js';

const quick = process.argv.includes('--quick');
const reps = quick ? 3 : 5;
const DEVICES = 100;
const SECONDS = quick ? 500 : 2500; // × 100 devices × 4 metrics = 200k (quick) or 1M points per run
const TARGET_RATE = 100_000;
const TARGET_RATIO = 0.1;

interface Run { rate: number; wireBytesPerPoint: number; jsonBytesPerPoint: number; rssPeakMb: number; recoveryToFirstMs: number; hubUpToFirstMs: number; points: number }

const median = (xs: number[]) => { const s = [...xs].sort((a, b) => a - b); return s[s.length >> 1]!; };

async function run(seed: number): Promise<Run> {
  const { dir, cleanup } = tempDir('outpost-bench-uplink-');
  try {
    const port = await freePort();
    const store = GatewayStore.open({ path: `${dir}/gw.db`, synchronous: 'normal' });
    const up = createUplink({ store, gateway: GATEWAY_ID, url: `http://127.0.0.1:${port}`, token: TOKEN, backoff: { minMs: 50, maxMs: 200 }, requestTimeoutMs: 10_000 });
    up.start();
    // The outage: points are committed (and so enqueued) while nothing answers.
    const points = telemetry(DEVICES, SECONDS, Date.now() - 86_400_000, seed);
    for (let i = 0; i < points.length; i += 5000) store.commit(points.slice(i, i + 5000));
    const jsonBytesPerPoint = Buffer.byteLength(JSON.stringify(points)) / points.length;
    await waitFor(() => up.status().link.state === 'down', { timeoutMs: 5000, what: 'link down' });
    const hub = await startProc('hub-ingest-proc.ts', hubConfig(`${dir}/hub`, port));
    const hubUpAt = Date.now();
    let rssPeak = process.memoryUsage().rss;
    const sampler = setInterval(() => { rssPeak = Math.max(rssPeak, process.memoryUsage().rss); }, 20);
    await waitFor(() => { const s = up.status(); return s.openBatch === null && s.pending.normal.items === 0; }, { timeoutMs: 120_000, intervalMs: 5, what: 'drain' });
    const doneAt = Date.now();
    clearInterval(sampler);
    const s = up.status();
    await up.stop();
    store.close();
    await hub.kill('SIGTERM');
    const linkUpAt = s.link.linkUpAt!;
    const firstAt = s.link.firstDeliveryAfterUpAt;
    return {
      rate: s.delivered.points / ((doneAt - linkUpAt) / 1000),
      wireBytesPerPoint: s.delivered.wireBytes / s.delivered.points,
      jsonBytesPerPoint,
      rssPeakMb: rssPeak / 1024 / 1024,
      recoveryToFirstMs: firstAt === null ? NaN : firstAt - linkUpAt,
      hubUpToFirstMs: firstAt === null ? NaN : firstAt - hubUpAt,
      points: s.delivered.points,
    };
  } finally {
    cleanup();
  }
}

async function compression(): Promise<Record<string, { bytesPerPoint: number; mPointsPerS: number }>> {
  await zstdInit();
  const pts = telemetry(DEVICES, 125);
  const raw = Buffer.from(encodePointSet(pts));
  const out: Record<string, { bytesPerPoint: number; mPointsPerS: number }> = { protobuf_uncompressed: { bytesPerPoint: raw.length / pts.length, mPointsPerS: NaN } };
  const time = (name: string, f: () => Uint8Array) => {
    const sizes: number[] = []; const rates: number[] = [];
    for (let r = 0; r < 5; r++) { const t = performance.now(); sizes.push(f().length); rates.push(pts.length / ((performance.now() - t) * 1000)); }
    out[name] = { bytesPerPoint: median(sizes) / pts.length, mPointsPerS: median(rates) };
  };
  time('gzip_1', () => gzipSync(raw, { level: 1 }));
  time('gzip_6', () => gzipSync(raw, { level: 6 }));
  time('zstd_1', () => zstdCompress(raw, 1));
  time('zstd_3', () => zstdCompress(raw, 3));
  return out;
}

const runs: Run[] = [];
for (let r = 0; r < reps; r++) {
  const x = await run(42 + r);
  runs.push(x);
  console.log(`run ${r + 1}: ${x.points} points, ${Math.round(x.rate)} points/s, ${x.wireBytesPerPoint.toFixed(2)} B/point on the wire (JSON ${x.jsonBytesPerPoint.toFixed(1)}), RSS peak ${x.rssPeakMb.toFixed(0)} MB, first batch ${x.recoveryToFirstMs} ms after the first good probe (${x.hubUpToFirstMs} ms after the hub was up)`);
}
const comp = await compression();
for (const [k, v] of Object.entries(comp)) console.log(`compression ${k}: ${v.bytesPerPoint.toFixed(3)} B/point, ${Number.isNaN(v.mPointsPerS) ? '-' : v.mPointsPerS.toFixed(1)} M points/s`);
const rate = median(runs.map((x) => x.rate));
const ratio = median(runs.map((x) => x.wireBytesPerPoint / x.jsonBytesPerPoint));
console.log(JSON.stringify({
  bench: 'uplink',
  figures: {
    drain_rate: { value: Math.round(rate), unit: 'points/s', target: TARGET_RATE, meets: rate >= TARGET_RATE },
    wire_bytes_per_point: { value: Number(median(runs.map((x) => x.wireBytesPerPoint)).toFixed(3)), unit: 'bytes' },
    wire_vs_json_ratio: { value: Number(ratio.toFixed(4)), unit: 'ratio', target: TARGET_RATIO, meets: ratio <= TARGET_RATIO },
    gateway_rss_during_drain: { value: Math.round(median(runs.map((x) => x.rssPeakMb))), unit: 'MB' },
    recovery_to_first_batch: { value: median(runs.map((x) => x.recoveryToFirstMs)), unit: 'ms' },
    hub_up_to_first_batch: { value: median(runs.map((x) => x.hubUpToFirstMs)), unit: 'ms' },
    gzip1_bytes_per_point: { value: Number(comp.gzip_1!.bytesPerPoint.toFixed(3)), unit: 'bytes' },
    zstd3_bytes_per_point: { value: Number(comp.zstd_3!.bytesPerPoint.toFixed(3)), unit: 'bytes' },
  },
  conditions: {
    quick, runs: reps, points_per_run: DEVICES * SECONDS * 4, devices: DEVICES, metrics_per_device: 4,
    transport: 'HTTP over loopback, hub ingest endpoint in its own process (SQLite, synchronous=FULL)',
    gateway_store: 'SQLite WAL synchronous=NORMAL', compression: 'gzip level 1', batch_max_points: 50_000,
    backoff_max_ms: 200, cpus: cpus().length, cpu: cpus()[0]?.model ?? 'unknown', node: process.version,
  },
}));
