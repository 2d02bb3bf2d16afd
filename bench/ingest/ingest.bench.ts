// npm run bench:ingest [-- --quick]
// Sustained durable ingest (points/s), ingest-to-commit latency, gateway RSS and CPU for: MQTT QoS 1
// into the embedded broker (1 and 100 points per message), MQTT through Mosquitto (client mode), and
// HTTP batches; compared in the same run with a bare aedes broker that only PUBACKs.
import { join } from 'node:path';
import { tempDir, waitFor } from '@outpost/testing';
import { bundleChild } from '../lib/bundle.js';
import { launcherNodeFlags } from '../lib/launcher-flags.js';
import { startChild } from '../lib/child.js';
import { cpuMs, peakRss, rssMb } from '../lib/proc.js';
import { median, percentile, round } from '../lib/stats.js';
import { connect, runHttpLoad, runMqttLoad } from './loadgen.js';
import { startMosquitto } from './mosquitto.js';

const quick = process.argv.includes('--quick');
const REPS = quick ? 1 : 3;
const N1 = quick ? 15_000 : 60_000; // 1-point messages
const N100 = quick ? 1_500 : 5_000; // 100-point messages
const HTTP_REQ = quick ? 150 : 500; // 1000-point requests
const here = new URL('.', import.meta.url).pathname;
const GATEWAY_CHILD = await bundleChild(join(here, 'gateway-child.ts'));
const BARE_BROKER_CHILD = await bundleChild(join(here, 'bare-broker-child.ts'));
const NODE_FLAGS = launcherNodeFlags();

interface Ready { pid: number; addresses: { http: string; mqtt?: string } }

async function gateway(extra: Record<string, unknown> = {}) {
  const { dir, cleanup } = tempDir('outpost-bench-gw-');
  const c = await startChild<Ready>(GATEWAY_CHILD, [JSON.stringify({ dataDir: dir, mqtt: { port: 0 }, http: { port: 0 }, log: { level: 'warn' }, ...extra })], { NODE_OPTIONS: NODE_FLAGS });
  return { ...c.ready, stop: async () => { await c.stop(); cleanup(); } };
}

async function accepted(http: string): Promise<number> {
  return ((await (await fetch(`${http}/v1/status`)).json()) as { ingest: { accepted: number } }).ingest.accepted;
}

type Sample = { pps: number; cpuPer1k: number; rss: number; p50?: number; p99?: number; idleRss?: number; commitP50?: number; commitP99?: number; commitMax?: number };
const samples: Record<string, Sample[]> = { bare: [], embedded1: [], embedded100: [], mosquitto1: [], http: [], latency: [] };

for (let rep = 0; rep < REPS; rep++) {
  // Yardstick: bare aedes, PUBACK only.
  {
    const b = await startChild<{ pid: number; port: number }>(BARE_BROKER_CHILD);
    const client = await connect(`mqtt://127.0.0.1:${b.ready.port}`);
    const rss = peakRss(b.ready.pid);
    const cpu0 = cpuMs(b.ready.pid);
    const r = await runMqttLoad(client, { messages: N1, pointsPerMessage: 1, window: 1000 });
    samples.bare!.push({ pps: (N1 / r.elapsedMs) * 1000, cpuPer1k: ((cpuMs(b.ready.pid) - cpu0) / N1) * 1000, rss: rss.stop() });
    await client.endAsync();
    await b.stop();
  }
  // Embedded broker, 1 and 100 points per message: PUBACK = committed.
  for (const [key, n, ppm] of [['embedded1', N1, 1], ['embedded100', N100, 100]] as const) {
    const gw = await gateway();
    await new Promise((r) => setTimeout(r, 1000));
    const idleRss = rssMb(gw.pid);
    const client = await connect(gw.addresses.mqtt!);
    const rss = peakRss(gw.pid);
    const cpu0 = cpuMs(gw.pid);
    const r = await runMqttLoad(client, { messages: n, pointsPerMessage: ppm, window: 1000 });
    const points = n * ppm;
    const stored = await accepted(gw.addresses.http);
    if (stored !== points) throw new Error(`${key}: ${stored} of ${points} points committed after the last PUBACK`);
    samples[key]!.push({ pps: (points / r.elapsedMs) * 1000, cpuPer1k: ((cpuMs(gw.pid) - cpu0) / points) * 1000, rss: rss.stop(), idleRss });
    await client.endAsync();
    await gw.stop();
  }
  // Through Mosquitto: the gateway in client mode; throughput = points committed over time.
  {
    const mosq = await startMosquitto();
    const gw = await gateway({ mqtt: { mode: 'client', url: mosq.url, clientId: `bench-gw-${rep}` } });
    // The client source connects and subscribes in the background: publish only once it runs.
    await waitFor(async () => ((await (await fetch(`${gw.addresses.http}/v1/status`)).json()) as { sources: Record<string, { state: string }> }).sources['mqtt-client']?.state === 'running', { timeoutMs: 15_000, what: 'gateway subscribed to Mosquitto' });
    const client = await connect(mosq.url);
    const rss = peakRss(gw.pid);
    const cpu0 = cpuMs(gw.pid);
    const t0 = performance.now();
    await runMqttLoad(client, { messages: N1, pointsPerMessage: 1, window: 1000 });
    await waitFor(async () => (await accepted(gw.addresses.http)) >= N1, { timeoutMs: 120_000, intervalMs: 20, what: 'all points committed via Mosquitto' });
    const ms = performance.now() - t0;
    samples.mosquitto1!.push({ pps: (N1 / ms) * 1000, cpuPer1k: ((cpuMs(gw.pid) - cpu0) / N1) * 1000, rss: rss.stop() });
    await client.endAsync();
    await gw.stop();
    mosq.stop();
  }
  // HTTP batches of 1000 points, 4 requests in flight.
  {
    const gw = await gateway({ http: { port: 0, maxBodyBytes: 8 * 1024 * 1024 } });
    const rss = peakRss(gw.pid);
    const cpu0 = cpuMs(gw.pid);
    const r = await runHttpLoad(gw.addresses.http, HTTP_REQ, 1000, 4);
    const points = HTTP_REQ * 1000;
    samples.http!.push({ pps: (points / r.elapsedMs) * 1000, cpuPer1k: ((cpuMs(gw.pid) - cpu0) / points) * 1000, rss: rss.stop(), p99: percentile(r.latenciesMs, 99) });
    await gw.stop();
  }
  // Latency at half the maximum 1-point rate measured in this repetition.
  {
    const rate = Math.round(samples.embedded1!.at(-1)!.pps / 2);
    const gw = await gateway();
    const client = await connect(gw.addresses.mqtt!);
    const rss = peakRss(gw.pid);
    const n = Math.round(rate * (quick ? 5 : 10));
    const r = await runMqttLoad(client, { messages: n, pointsPerMessage: 1, window: 100_000, rate });
    // The gateway's own measure: input reaching the ingest core -> committed (see IngestStats.commitLatencyMs).
    const c = ((await (await fetch(`${gw.addresses.http}/v1/status`)).json()) as { ingest: { commitLatencyMs: { p50: number; p99: number; max: number } } }).ingest.commitLatencyMs;
    samples.latency!.push({ pps: rate, cpuPer1k: 0, rss: rss.stop(), p50: percentile(r.latenciesMs, 50), p99: percentile(r.latenciesMs, 99), commitP50: c.p50, commitP99: c.p99, commitMax: c.max });
    await client.endAsync();
    await gw.stop();
  }
  process.stderr.write(`rep ${rep + 1}/${REPS} done: ${Object.entries(samples).map(([k, v]) => `${k} ${round(v.at(-1)?.pps ?? 0, 0)}/s peak ${round(v.at(-1)?.rss ?? 0, 0)} MiB`).join(", ")}\n`);
}

const med = (k: string, f: keyof Sample) => median(samples[k]!.map((s) => s[f] as number));
const bare = med('bare', 'pps');
const ratio = med('embedded1', 'pps') / bare;
const maxRss = Math.max(...Object.entries(samples).filter(([k]) => k !== 'bare').flatMap(([, v]) => v.map((s) => s.rss)));
const figures = {
  bare_mqtt_qos1_passthrough: { value: round(bare, 0), unit: 'msgs/s' },
  mqtt_embedded_1pt_durable: { value: round(med('embedded1', 'pps'), 0), unit: 'points/s' },
  mqtt_embedded_1pt_vs_bare: { value: round(ratio, 3), unit: 'ratio', target: 0.9, meets: ratio >= 0.9 },
  mqtt_embedded_100pt_durable: { value: round(med('embedded100', 'pps'), 0), unit: 'points/s', target: 150_000, meets: med('embedded100', 'pps') >= 150_000 },
  mqtt_mosquitto_1pt_durable: { value: round(med('mosquitto1', 'pps'), 0), unit: 'points/s' },
  http_batch_1000_durable: { value: round(med('http', 'pps'), 0), unit: 'points/s', target: 150_000, meets: med('http', 'pps') >= 150_000 },
  ingest_to_commit_p50_half_rate: { value: round(med('latency', 'commitP50'), 2), unit: 'ms' },
  ingest_to_commit_p99_half_rate: { value: round(med('latency', 'commitP99'), 2), unit: 'ms', target: 20, meets: med('latency', 'commitP99') < 20 },
  ingest_to_commit_max_half_rate: { value: round(med('latency', 'commitMax'), 2), unit: 'ms' },
  publish_to_puback_p50_half_rate: { value: round(med('latency', 'p50'), 2), unit: 'ms' },
  publish_to_puback_p99_half_rate: { value: round(med('latency', 'p99'), 2), unit: 'ms' },
  cpu_per_1k_points_embedded_1pt: { value: round(med('embedded1', 'cpuPer1k'), 1), unit: 'ms' },
  cpu_per_1k_points_embedded_100pt: { value: round(med('embedded100', 'cpuPer1k'), 1), unit: 'ms' },
  cpu_per_1k_points_bare_broker: { value: round(med('bare', 'cpuPer1k'), 1), unit: 'ms' },
  gateway_rss_idle: { value: round(med('embedded1', 'idleRss'), 1), unit: 'MiB' },
  gateway_rss_peak: { value: round(maxRss, 1), unit: 'MiB', target: 150, meets: maxRss < 150 },
};
const conditions = {
  reps: REPS, statistic: 'median', quick, node: process.version, cpus: (await import('node:os')).cpus().length,
  messages_1pt: N1, messages_100pt: N100, http_requests: HTTP_REQ, http_batch: 1000, http_concurrency: 4, qos: 1, window: 1000,
  sqlite_synchronous: 'full', group_commit: 'default (5000 points / 2 ms)', latency_rate_msgs_s: round(median(samples.latency!.map((s) => s.pps)), 0),
  load_generator: 'same machine, one mqtt.js client in the bench process; gateway in its own process',
  latency: 'ingest_to_commit = measured by the gateway from an input reaching its ingest core to its commit (the PUBACK leaves then); publish_to_puback = measured by the load generator, so it adds the client, the broker\'s network path and the load generator\'s own event-loop stalls',
  load_average_1min_at_end: round((await import('node:os')).loadavg()[0] ?? 0, 2),
  gateway_build: 'esbuild bundle as built by npm run build (no tsx loader)',
  gateway_node_flags: NODE_FLAGS, sqlite_checkpoint: 'gateway default (gateway.store.checkpoint)',
};
console.log(JSON.stringify({ bench: 'ingest', figures, conditions }));
