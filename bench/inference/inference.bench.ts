/**
 * bench:inference — requests/s and p50/p99 latency of one small ONNX model (an MLP, 8 inputs,
 * hidden 64 and 32, written by @outpost/ml's test builder) at batch 1 and 64, three ways in the
 * same run: onnxruntime-node called directly (the reference), the hub's inference API over real
 * HTTP on 127.0.0.1 (keep-alive, one request at a time), and a pipeline `model` node (input →
 * model → store, rows assembled from 8 feature metrics per device and timestamp).
 * Overheads are p50 ratios against direct; targets: API ≤ 1.3× and node ≤ 1.1× at batch 64.
 * `api_inproc` is the same API call through fastify's inject (no socket): what the hub's code
 * adds, apart from the network round trip that `http_floor_p50` measures on its own.
 *
 *   npm run bench:inference            5 runs × 2000 calls per path and batch size
 *   npm run bench:inference -- --quick 3 runs × 200 calls (under a minute)
 */
import os from 'node:os';
import { performance } from 'node:perf_hooks';
import ort from 'onnxruntime-node';
import { loadConfig } from '@outpost/config';
import type { Point } from '@outpost/contract';
import { compilePipelineAsync, type PipelineDocument } from '@outpost/engine';
import { OnnxModelRunner } from '@outpost/ml';
import { buildMlp } from '@outpost/ml/onnx/build';
import { builtinOperators } from '@outpost/operators';
import { tempDir } from '@outpost/testing';
import { createHub } from '../../apps/hub/src/server.js';
import { median, percentile, round } from '../lib/stats.js';

const quick = process.argv.includes('--quick');
const RUNS = quick ? 3 : 5;
const CALLS = quick ? 200 : 2000;
const WARMUP = quick ? 50 : 100;
const FEATURES = 8;
const MODEL = buildMlp({ inputs: FEATURES, hidden: [64, 32], outputs: 1, seed: 7 });
const TARGETS: Record<string, number> = { api: 1.3, node: 1.1 };

const rowsOf = (batch: number, call: number) => Array.from({ length: batch }, (_, r) => Array.from({ length: FEATURES }, (_, f) => Math.sin(call * 0.37 + r * 1.3 + f)));

type Call = (batch: number, i: number) => Promise<unknown>;

/** Per run: p50/p99 of single calls (ms) and calls per second; medians over runs. */
async function measure(call: Call, batch: number) {
  for (let i = 0; i < WARMUP; i++) await call(batch, i);
  const runs: { p50: number; p99: number; rps: number }[] = [];
  for (let r = 0; r < RUNS; r++) {
    const lat: number[] = [];
    const start = performance.now();
    for (let i = 0; i < CALLS; i++) {
      const t = performance.now();
      await call(batch, i);
      lat.push(performance.now() - t);
    }
    runs.push({ p50: percentile(lat, 50), p99: percentile(lat, 99), rps: CALLS / ((performance.now() - start) / 1000) });
  }
  return { p50: median(runs.map((x) => x.p50)), p99: median(runs.map((x) => x.p99)), rps: median(runs.map((x) => x.rps)) };
}

async function directCall(): Promise<Call> {
  const session = await ort.InferenceSession.create(MODEL, { intraOpNumThreads: 1, interOpNumThreads: 1, graphOptimizationLevel: 'all' });
  return async (batch, i) => {
    const data = new Float32Array(batch * FEATURES);
    rowsOf(batch, i).forEach((row, r) => data.set(row, r * FEATURES));
    return session.run({ x: new ort.Tensor('float32', data, [batch, FEATURES]) });
  };
}

async function apiCall(): Promise<{ call: Call; inproc: Call; floor: Call; stop: () => Promise<void> }> {
  const tmp = tempDir('outpost-bench-inference-');
  const config = loadConfig({ overrides: { hub: { port: 0, dataDir: tmp.dir, log: { level: 'silent' }, auth: { rateLimitPerMinute: 10_000_000 }, models: { inferenceRateLimitPerMinute: 10_000_000 } } as never } }).hub;
  const app = await createHub(config);
  const url = await app.listen({ host: '127.0.0.1', port: 0 });
  const json = async (method: string, path: string, body: unknown, headers: Record<string, string> = {}) => {
    const r = await fetch(url + path, { method, headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
    return r.json() as Promise<any>; // eslint-disable-line @typescript-eslint/no-explicit-any
  };
  await json('POST', '/v1/setup', { orgName: 'Bench', email: 'bench@example.test', password: 'correct horse battery staple' });
  const { token } = await json('POST', '/v1/sessions', { email: 'bench@example.test', password: 'correct horse battery staple' });
  const { secret } = await json('POST', '/v1/api-keys', { name: 'bench', scopes: ['read'] }, { authorization: `Bearer ${token}` });
  const up = await fetch(`${url}/v1/registry/models/bench/versions`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/octet-stream' }, body: MODEL });
  if (up.status !== 201) throw new Error(`upload failed: ${up.status} ${await up.text()}`);
  const headers = { 'content-type': 'application/json', 'x-api-key': secret as string };
  return {
    call: async (batch, i) => {
      const r = await fetch(`${url}/api/inference/bench`, { method: 'POST', headers, body: JSON.stringify({ inputs: rowsOf(batch, i) }) });
      if (r.status !== 200) throw new Error(`inference failed: ${r.status} ${await r.text()}`);
      return r.json();
    },
    // The same request through fastify's inject: the whole API (auth, rate limit, validation, JSON,
    // version lookup, inference, monitoring) without the socket and the kernel's scheduling.
    inproc: async (batch, i) => {
      const r = await app.inject({ method: 'POST', url: '/api/inference/bench', headers, payload: JSON.stringify({ inputs: rowsOf(batch, i) }) });
      if (r.statusCode !== 200) throw new Error(`inference failed: ${r.statusCode} ${r.body}`);
      return r.json();
    },
    // The floor: an HTTP round trip to a route that does nothing, same client and server.
    floor: async () => (await fetch(`${url}/health`)).json(),
    stop: async () => { await app.close(); tmp.cleanup(); },
  };
}

async function nodeCall(): Promise<Call> {
  const features = Array.from({ length: FEATURES }, (_, f) => `f${f}`);
  const runner = new OnnxModelRunner({ resolve: () => ({ bytes: MODEL, meta: { features } }) });
  let stored = 0;
  const doc: PipelineDocument = {
    schemaVersion: 1, id: 'bench',
    nodes: [
      { id: 'in', kind: 'input', typeVersion: 1, config: { metrics: features } },
      { id: 'm', kind: 'model', typeVersion: 1, config: { modelId: 'bench', version: '1', outputMetric: 'score' } },
      { id: 'out', kind: 'store', typeVersion: 1, config: { table: 'scores' } },
    ],
    edges: [{ from: 'in', to: 'm' }, { from: 'm', to: 'out' }],
  };
  let ts = Date.UTC(2026, 0, 1);
  const ex = await compilePipelineAsync(doc, { operators: builtinOperators, host: { modelRunner: runner, clock: { now: () => ts + 60_000 }, sinks: { store: { write: (_t, items) => { stored += items.length; } } } } });
  return async (batch, i) => {
    const points: Point[] = [];
    rowsOf(batch, i).forEach((row, r) => { ts++; row.forEach((v, f) => points.push({ device: `d${r}`, metric: features[f]!, ts, value: v })); });
    const before = stored;
    await ex.process(points);
    if (stored - before !== batch) throw new Error(`node scored ${stored - before} rows of ${batch}`);
  };
}

const figures: Record<string, { value: number; unit: string; target?: number; meets?: boolean }> = {};
const direct = await directCall();
const api = await apiCall();
const node = await nodeCall();
const results: Record<string, Record<number, { p50: number; p99: number; rps: number }>> = { direct: {}, api: {}, api_inproc: {}, node: {} };
let floor: { p50: number; p99: number; rps: number };
try {
  floor = await measure(api.floor, 1);
  for (const batch of [1, 64]) {
    results.direct![batch] = await measure(direct, batch);
    results.api![batch] = await measure(api.call, batch);
    results.api_inproc![batch] = await measure(api.inproc, batch);
    results.node![batch] = await measure(node, batch);
  }
} finally {
  await api.stop();
}
for (const [path, byBatch] of Object.entries(results)) {
  for (const [batch, r] of Object.entries(byBatch)) {
    figures[`${path}_b${batch}_req_per_s`] = { value: round(r.rps, 0), unit: 'req/s' };
    figures[`${path}_b${batch}_p50`] = { value: round(r.p50, 3), unit: 'ms' };
    figures[`${path}_b${batch}_p99`] = { value: round(r.p99, 3), unit: 'ms' };
  }
}
figures.http_floor_p50 = { value: round(floor.p50, 3), unit: 'ms' };
for (const path of ['api', 'api_inproc', 'node']) {
  for (const batch of [1, 64]) {
    const ratio = round(results[path]![batch]!.p50 / results.direct![batch]!.p50, 2);
    const target = TARGETS[path];
    figures[`${path}_overhead_b${batch}`] = batch === 64 && target !== undefined ? { value: ratio, unit: '× direct p50', target, meets: ratio <= target } : { value: ratio, unit: '× direct p50' };
  }
}
console.log(JSON.stringify({
  bench: 'inference',
  figures,
  conditions: {
    model: `MLP ${FEATURES}-64-32-1 (float32, ${MODEL.length} bytes), onnxruntime-node ${(ort as unknown as { env: { versions?: { common?: string } } }).env.versions?.common ?? ''}, CPU execution provider, 1 intra-op thread`,
    runs: RUNS, calls_per_run: CALLS, warmup: WARMUP,
    api: 'HTTP/1.1 keep-alive on 127.0.0.1 (client and hub in one process), one request at a time, API key auth, JSON body; api_inproc: the same through fastify inject; http_floor_p50: GET /health on the same client',
    node: `${FEATURES} feature points per row, input → model → store sink`,
    gpu: 'not measured: no GPU machine for this run (onnxruntime-node also needs its CUDA binaries, skipped by .npmrc)',
    cpu: os.cpus()[0]?.model, cores: os.cpus().length, load_avg_1m: +os.loadavg()[0]!.toFixed(2), node_version: process.version, quick,
    note: 'shared, noisy 2-core machine; medians of runs',
  },
}));
