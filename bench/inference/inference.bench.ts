/**
 * bench:inference — requests/s and p50/p99 latency of two ONNX models (MLPs written by @outpost/ml's
 * test builder) at batch 1 and 64, in the same run:
 *   - `tiny`: 8 inputs, hidden 64 and 32 (11 kB): runs in tens of µs, so any fixed cost dominates;
 *   - `realistic`: 32 inputs, hidden 512 and 512 (1.1 MB): a small production-sized model whose
 *     inference is not dwarfed by a localhost round trip. The targets are judged on this one.
 * Paths: onnxruntime-node called directly (`direct`, the reference: rows copied into a tensor, one
 * run, scores read back), the hub's inference API over real HTTP on 127.0.0.1 (a node:http client
 * on one keep-alive socket, one request at a time) with a JSON body of nested rows (`api`) and with
 * the binary float32 body (`api_bin`), the same two through fastify's inject (`api_inproc`,
 * `api_bin_inproc`: the hub's code without the socket), and a pipeline `model` node (input → model → store; one row = the
 * feature points of one device and timestamp; the runner as a gateway builds it, with a usage
 * monitor and a drift reference; `node_model`: the model node's own work alone).
 * Like-for-like references, printed and not judged: `direct_points` (onnxruntime fed the
 * pipeline's points by a plain loop) and `http_floor` (the same client and binary body against a
 * bare fastify route answering the same JSON with no work: what HTTP alone costs here; and
 * `http_floor_fetch`, the same with global fetch as the client, which costs ~0.3 ms more per call).
 * Paths are interleaved within each run, so load changes land on all of them; CPU ms per call are
 * printed beside the latencies (the machine is shared: prefer them and the ratios).
 * Each call's input is made before its clock starts; what a caller must do with it (copy into a
 * tensor, serialise JSON, build points) is inside. Inputs have 4 decimals, like sensor readings.
 * Overheads: p50 ratios against direct, and absolute added ms (path p50 − direct p50).
 * Targets at batch 64 on the realistic model: API ≤ 1.3× and node ≤ 1.1×.
 *
 *   npm run bench:inference            5 runs × 2000 calls per path, model and batch size
 *   npm run bench:inference -- --quick 3 runs × 200 calls
 */
import os from 'node:os';
import { performance } from 'node:perf_hooks';
import Fastify from 'fastify';
import ort from 'onnxruntime-node';
import { loadConfig } from '@outpost/config';
import type { Point } from '@outpost/contract';
import { compilePipelineAsync, type PipelineDocument } from '@outpost/engine';
import { ModelMonitor, OnnxModelRunner, referenceFromSample } from '@outpost/ml';
import { buildMlp } from '@outpost/ml/onnx/build';
import { builtinOperators } from '@outpost/operators';
import { tempDir } from '@outpost/testing';
import { createHub } from '../../apps/hub/src/server.js';
import { HttpClient } from '../lib/http-client.js';
import { median, percentile, round } from '../lib/stats.js';

const quick = process.argv.includes('--quick');
const RUNS = quick ? 3 : 5;
const CALLS = quick ? 200 : 2000;
const WARMUP = quick ? 50 : 100;
const BATCHES = [1, 64];
const TARGETS: Record<string, number> = { api: 1.3, node: 1.1 };
const MODELS = {
  tiny: { features: 8, hidden: [64, 32] },
  realistic: { features: 32, hidden: [512, 512] },
};
type ModelName = keyof typeof MODELS;
const bytesOf = Object.fromEntries(Object.entries(MODELS).map(([k, m]) => [k, buildMlp({ inputs: m.features, hidden: m.hidden, outputs: 1, seed: 7 })])) as Record<ModelName, Uint8Array>;

/** The rows of one call as the binary body: row-major float32, as a caller fills it for onnxruntime itself. */
const float32Of = (rows: unknown, batch: number, width: number) => {
  const data = new Float32Array(batch * width);
  (rows as number[][]).forEach((row, r) => data.set(row, r * width));
  return data;
};

const rowsOf = (batch: number, width: number, call: number) => Array.from({ length: batch }, (_, r) => Array.from({ length: width }, (_, f) => Math.round(Math.sin(call * 0.37 + r * 1.3 + f) * 1e4) / 1e4));

/** A path: `prepare` makes one call's input (not timed), `call` is timed. */
interface Path { prepare(batch: number, i: number): unknown; call(input: unknown, batch: number): Promise<unknown> }
/** p50/p99 of single calls (ms), calls per second of call time, and process CPU ms per call (client and server alike). */
interface Figures { p50: number; p99: number; rps: number; cpu: number }

/**
 * Every path of one model and batch size, interleaved: each run measures each path in turn, so
 * a change of the machine's load lands on all of them; medians over runs.
 */
async function measureAll(paths: Record<string, Path>, batch: number): Promise<Record<string, Figures>> {
  for (const path of Object.values(paths)) for (let i = 0; i < WARMUP; i++) await path.call(path.prepare(batch, i), batch);
  const runs: Record<string, Figures[]> = Object.fromEntries(Object.keys(paths).map((k) => [k, []]));
  for (let r = 0; r < RUNS; r++) {
    for (const [name, path] of Object.entries(paths)) {
      const lat: number[] = [];
      let cpu = 0;
      for (let i = 0; i < CALLS; i++) {
        const input = path.prepare(batch, i);
        const c0 = process.cpuUsage();
        const t = performance.now();
        await path.call(input, batch);
        lat.push(performance.now() - t);
        const c = process.cpuUsage(c0);
        cpu += (c.user + c.system) / 1000;
      }
      runs[name]!.push({ p50: percentile(lat, 50), p99: percentile(lat, 99), rps: CALLS / (lat.reduce((a, b) => a + b, 0) / 1000), cpu: cpu / CALLS });
    }
  }
  const med = (xs: Figures[], k: keyof Figures) => median(xs.map((x) => x[k]));
  return Object.fromEntries(Object.entries(runs).map(([k, xs]) => [k, { p50: med(xs, 'p50'), p99: med(xs, 'p99'), rps: med(xs, 'rps'), cpu: med(xs, 'cpu') }]));
}

async function directPath(model: ModelName): Promise<Path> {
  const width = MODELS[model].features;
  const session = await ort.InferenceSession.create(bytesOf[model], { intraOpNumThreads: 1, interOpNumThreads: 1, graphOptimizationLevel: 'all' });
  return {
    prepare: (batch, i) => rowsOf(batch, width, i),
    call: async (rows, batch) => {
      const out = await session.run({ x: new ort.Tensor('float32', float32Of(rows, batch, width), [batch, width]) });
      return Array.from(out.y!.data as Float32Array); // the scores, read back as the other paths do
    },
  };
}

/**
 * onnxruntime-node called directly on the points a pipeline gets (one per feature, device and
 * timestamp): a plain loop puts each value at its device's row and feature's column, then one run.
 * The like-for-like reference for the pipeline paths, printed beside the judged `direct`.
 */
async function directPointsPath(model: ModelName): Promise<Path> {
  const features = Array.from({ length: MODELS[model].features }, (_, f) => `f${f}`);
  const column = new Map(features.map((f, i) => [f, i]));
  const width = features.length;
  const session = await ort.InferenceSession.create(bytesOf[model], { intraOpNumThreads: 1, interOpNumThreads: 1, graphOptimizationLevel: 'all' });
  let ts = Date.UTC(2026, 0, 1);
  return {
    prepare: (batch, i) => pointsOf(batch, features, i, () => ++ts),
    call: async (points, batch) => {
      const data = new Float32Array(batch * width);
      const rowOf = new Map<string, number>();
      for (const p of points as Point[]) {
        let r = rowOf.get(p.device);
        if (r === undefined) rowOf.set(p.device, (r = rowOf.size));
        data[r * width + column.get(p.metric)!] = p.value as number;
      }
      const out = await session.run({ x: new ort.Tensor('float32', data, [batch, width]) });
      return Array.from(out.y!.data as Float32Array);
    },
  };
}

/** The points of `batch` rows as ingest hands them to the engine: one per feature, device and timestamp. */
function pointsOf(batch: number, features: string[], i: number, nextTs: () => number): Point[] {
  const points: Point[] = [];
  rowsOf(batch, features.length, i).forEach((row, r) => { const ts = nextTs(); row.forEach((v, f) => points.push({ device: `d${r}`, metric: features[f]!, ts, value: v })); });
  return points;
}

async function startHub() {
  const tmp = tempDir('outpost-bench-inference-');
  const config = loadConfig({ overrides: { hub: { port: 0, dataDir: tmp.dir, log: { level: 'silent' }, auth: { rateLimitPerMinute: 10_000_000 }, models: { inferenceRateLimitPerMinute: 10_000_000 } } as never } }).hub;
  const app = await createHub(config);
  const url = await app.listen({ host: '127.0.0.1', port: 0 });
  const client = new HttpClient(url);
  const json = async (path: string, body: unknown, headers: Record<string, string> = {}) => {
    const r = await client.post(path, { 'content-type': 'application/json', ...headers }, JSON.stringify(body));
    return JSON.parse(r.text) as any; // eslint-disable-line @typescript-eslint/no-explicit-any
  };
  await json('/v1/setup', { orgName: 'Bench', email: 'bench@example.test', password: 'correct horse battery staple' });
  const { token } = await json('/v1/sessions', { email: 'bench@example.test', password: 'correct horse battery staple' });
  const { secret } = await json('/v1/api-keys', { name: 'bench', scopes: ['read'] }, { authorization: `Bearer ${token}` });
  for (const model of Object.keys(MODELS)) {
    const up = await client.post(`/v1/registry/models/${model}/versions`, { authorization: `Bearer ${token}`, 'content-type': 'application/octet-stream' }, bytesOf[model as ModelName]);
    if (up.status !== 201) throw new Error(`upload failed: ${up.status} ${up.text}`);
  }
  return { app, url, client, key: secret as string, stop: async () => { client.close(); await app.close(); tmp.cleanup(); } };
}
type Hub = Awaited<ReturnType<typeof startHub>>;

/** A bare fastify server: the HTTP floor, what the same exchange costs with no hub behind it. */
async function startFloor(): Promise<{ url: string; client: HttpClient; close(): Promise<void> }> {
  const app = Fastify();
  app.addContentTypeParser('application/octet-stream', { parseAs: 'buffer' }, (_req, body, done) => done(null, body));
  // The API's answer for a batch (model, version, tags, predictions, scores, latency, provider),
  // its scores float32 values that change per call like a model's (each row's first input), so
  // writing them costs what writing real scores costs.
  app.post('/floor', async (req) => {
    const body = req.body as Buffer;
    const width = Number((req.query as { width: string }).width);
    const n = body.length / 4 / width;
    const scores = Array.from({ length: n }, (_, r) => body.readFloatLE(r * width * 4));
    return { model: 'floor', version: 1, tags: [], deprecated: false, predictions: scores, scores, latencyMs: 0.5, provider: 'cpu' };
  });
  const url = await app.listen({ host: '127.0.0.1', port: 0 });
  const client = new HttpClient(url);
  return { url, client, close: () => { client.close(); return app.close(); } };
}

/**
 * The HTTP floor: the same binary exchange as `api_bin` against the bare route, with the lean
 * client (`http_floor`, the reference) or with global fetch (`http_floor_fetch`: what the client
 * alone changes; a caller using fetch pays it on every path).
 */
function floorPaths(server: Awaited<ReturnType<typeof startFloor>>, model: ModelName): Record<'http_floor' | 'http_floor_fetch', Path> {
  const width = MODELS[model].features;
  const headers = { 'content-type': 'application/octet-stream', 'x-api-key': 'opk_floor' };
  const prepare = (batch: number, i: number) => rowsOf(batch, width, i);
  return {
    http_floor: { prepare, call: async (rows, batch) => JSON.parse((await server.client.post(`/floor?width=${width}`, headers, float32Of(rows, batch, width))).text) },
    http_floor_fetch: { prepare, call: async (rows, batch) => (await fetch(`${server.url}/floor?width=${width}`, { method: 'POST', headers, body: float32Of(rows, batch, width) })).json() },
  };
}

function apiPaths(hub: Hub, model: ModelName): Record<'api' | 'api_bin' | 'api_inproc' | 'api_bin_inproc', Path> {
  const width = MODELS[model].features;
  const headers = { 'content-type': 'application/json', 'x-api-key': hub.key };
  const ok = (r: { status: number; text: string }) => {
    if (r.status !== 200) throw new Error(`inference failed: ${r.status} ${r.text}`);
    return JSON.parse(r.text) as unknown;
  };
  const prepare = (batch: number, i: number) => rowsOf(batch, width, i);
  return {
    api: { prepare, call: async (rows) => ok(await hub.client.post(`/api/inference/${model}`, headers, JSON.stringify({ inputs: rows }))) },
    // The binary form: the caller fills a Float32Array, as it would for onnxruntime itself.
    api_bin: {
      prepare,
      call: async (rows, batch) => ok(await hub.client.post(`/api/inference/${model}?shape=${batch},${width}`, { ...headers, 'content-type': 'application/octet-stream' }, float32Of(rows, batch, width))),
    },
    // The JSON call through fastify's inject: the whole API (auth, rate limit, validation, JSON,
    // version lookup, inference, monitoring) without the socket and the kernel's scheduling.
    api_inproc: {
      prepare,
      call: async (rows) => {
        const r = await hub.app.inject({ method: 'POST', url: `/api/inference/${model}`, headers, payload: JSON.stringify({ inputs: rows }) });
        if (r.statusCode !== 200) throw new Error(`inference failed: ${r.statusCode} ${r.body}`);
        return r.json();
      },
    },
    // The binary call through inject: what the hub itself adds (auth, rate limit, routing, version
    // lookup, monitoring, the JSON answer) with neither JSON input nor socket.
    api_bin_inproc: {
      prepare,
      call: async (rows, batch) => {
        const data = float32Of(rows, batch, width);
        const r = await hub.app.inject({ method: 'POST', url: `/api/inference/${model}?shape=${batch},${width}`, headers: { ...headers, 'content-type': 'application/octet-stream' }, payload: Buffer.from(data.buffer, data.byteOffset, data.byteLength) });
        if (r.statusCode !== 200) throw new Error(`inference failed: ${r.statusCode} ${r.body}`);
        return r.json();
      },
    },
  };
}

/**
 * The runner as a gateway builds it: with a usage monitor, and a drift reference in the model's
 * metadata (from a sample of the same inputs), so latency and drift are measured on every call.
 */
function gatewayRunner(model: ModelName, features: string[]): OnnxModelRunner {
  const reference = referenceFromSample(Array.from({ length: 1000 }, (_, i) => rowsOf(1, features.length, i + 100_000)[0]!));
  return new OnnxModelRunner({ resolve: () => ({ bytes: bytesOf[model], meta: { features, reference } }), monitor: new ModelMonitor() });
}

async function nodePath(model: ModelName): Promise<Path> {
  const features = Array.from({ length: MODELS[model].features }, (_, f) => `f${f}`);
  const runner = gatewayRunner(model, features);
  let stored = 0;
  const doc: PipelineDocument = {
    schemaVersion: 1, id: 'bench',
    nodes: [
      { id: 'in', kind: 'input', typeVersion: 1, config: { metrics: features } },
      { id: 'm', kind: 'model', typeVersion: 1, config: { modelId: model, version: '1', outputMetric: 'score' } },
      { id: 'out', kind: 'store', typeVersion: 1, config: { table: 'scores' } },
    ],
    edges: [{ from: 'in', to: 'm' }, { from: 'm', to: 'out' }],
  };
  let ts = Date.UTC(2026, 0, 1);
  const ex = await compilePipelineAsync(doc, { operators: builtinOperators, host: { modelRunner: runner, clock: { now: () => ts + 60_000 }, sinks: { store: { write: (_t, items) => { stored += items.length; } } } } });
  return {
    prepare: (batch, i) => pointsOf(batch, features, i, () => ++ts),
    call: async (points, batch) => {
      const before = stored;
      await ex.process(points as Point[]);
      if (stored - before !== batch) throw new Error(`node scored ${stored - before} rows of ${batch}`);
    },
  };
}

/** The model node's own work without the engine around it: rows from points, one run, output points. */
async function nodeModelPath(model: ModelName): Promise<Path> {
  const features = Array.from({ length: MODELS[model].features }, (_, f) => `f${f}`);
  const m = await gatewayRunner(model, features).load({ modelId: model, version: '1', nodeId: 'm' });
  let ts = Date.UTC(2026, 0, 1);
  return {
    prepare: (batch, i) => pointsOf(batch, features, i, () => ++ts),
    call: async (points, batch) => {
      const out = await m.predict(points as Point[], { outputMetric: 'score' });
      if (out.length !== batch) throw new Error(`model node scored ${out.length} rows of ${batch}`);
    },
  };
}

const PATHS = ['direct', 'direct_points', 'http_floor', 'http_floor_fetch', 'api', 'api_bin', 'api_inproc', 'api_bin_inproc', 'node', 'node_model'] as const;
const figures: Record<string, { value: number; unit: string; target?: number; meets?: boolean }> = {};
const results: Record<string, Figures> = {};
const loadAtStart = os.loadavg()[0]!;
const hub = await startHub();
const floorServer = await startFloor();
try {
  for (const model of Object.keys(MODELS) as ModelName[]) {
    const paths: Record<string, Path> = {
      direct: await directPath(model), direct_points: await directPointsPath(model), ...floorPaths(floorServer, model),
      ...apiPaths(hub, model), node: await nodePath(model), node_model: await nodeModelPath(model),
    };
    for (const batch of BATCHES) for (const [p, r] of Object.entries(await measureAll(paths, batch))) results[`${model}_${p}_b${batch}`] = r;
  }
} finally {
  await hub.stop();
  await floorServer.close();
}
for (const [k, r] of Object.entries(results)) {
  figures[`${k}_req_per_s`] = { value: round(r.rps, 0), unit: 'req/s' };
  figures[`${k}_p50`] = { value: round(r.p50, 3), unit: 'ms' };
  figures[`${k}_p99`] = { value: round(r.p99, 3), unit: 'ms' };
  figures[`${k}_cpu`] = { value: round(r.cpu, 3), unit: 'ms process CPU per call' };
}
const table: string[] = [];
for (const model of Object.keys(MODELS) as ModelName[]) {
  for (const batch of BATCHES) {
    const at = (p: string) => results[`${model}_${p}_b${batch}`]!;
    const direct = at('direct').p50;
    for (const p of PATHS.filter((x) => x !== 'direct')) {
      const r = at(p);
      const ratio = round(r.p50 / direct, 2);
      const target = TARGETS[p === 'api_bin' ? 'api' : p]; // in-process paths and references are diagnostics, not judged
      const judged = model === 'realistic' && batch === 64 && target !== undefined;
      figures[`${model}_${p}_overhead_b${batch}`] = judged ? { value: ratio, unit: '× direct p50', target: target!, meets: ratio <= target! } : { value: ratio, unit: '× direct p50' };
      figures[`${model}_${p}_added_ms_b${batch}`] = { value: round(r.p50 - direct, 3), unit: 'ms per call (p50 − direct p50)' };
    }
    // Like-for-like references: the pipeline against onnxruntime fed the same points; the binary
    // API against the same HTTP exchange with no hub behind it (what is left is the hub's own work).
    figures[`${model}_node_over_direct_points_b${batch}`] = { value: round(at('node').p50 / at('direct_points').p50, 2), unit: '× direct_points p50' };
    figures[`${model}_api_bin_hub_ms_b${batch}`] = { value: round(at('api_bin').p50 - at('http_floor').p50 - direct, 3), unit: 'ms per call (api_bin − http_floor − direct, p50)' };
    figures[`${model}_api_bin_floor_ratio_b${batch}`] = { value: round((at('http_floor').p50 + direct) / direct, 2), unit: '× direct p50: the best an HTTP API can do here ((http_floor + direct) / direct)' };
    table.push(`${model.padEnd(9)} b${String(batch).padEnd(3)} direct ${direct.toFixed(3)} ms (cpu ${at('direct').cpu.toFixed(3)}) | ${PATHS.filter((x) => x !== 'direct').map((p) => `${p} ${at(p).p50.toFixed(3)} (${(at(p).p50 / direct).toFixed(2)}×, cpu ${at(p).cpu.toFixed(3)})`).join(' | ')}`);
  }
}
console.error(table.join('\n'));
console.log(JSON.stringify({
  bench: 'inference',
  figures,
  conditions: {
    models: Object.fromEntries(Object.entries(MODELS).map(([k, m]) => [k, `MLP ${m.features}-${m.hidden.join('-')}-1 (float32, ${bytesOf[k as ModelName].length} bytes)`])),
    runtime: `onnxruntime-node ${(ort as unknown as { env: { versions?: { common?: string } } }).env.versions?.common ?? ''}, CPU execution provider, 1 intra-op thread`,
    judged_on: 'realistic model at batch 64 (api and api_bin against ≤ 1.3×, node against ≤ 1.1×); the tiny model\'s ratios are printed, not judged',
    runs: RUNS, calls_per_run: CALLS, warmup: WARMUP,
    api: 'HTTP/1.1 on 127.0.0.1 with a node:http client on one keep-alive socket (client and hub in one process), one request at a time, API key auth; api: JSON nested rows; api_bin: application/octet-stream float32 with ?shape=; api_inproc / api_bin_inproc: the JSON / binary call through fastify inject (no socket); http_floor: the same client POSTing the same binary body to a bare fastify route on its own server that answers a JSON of the same shape (float32 scores taken from the body) with no work behind it: the HTTP floor; http_floor_fetch: the same with global fetch (undici) as the client, a reference',
    node: 'one point per feature, device and timestamp; input → model → store sink (judged), the runner as on a gateway (usage monitor, drift reference); node_model: the model node alone (OnnxNodeModel.predict), a diagnostic; direct_points: onnxruntime-node fed the same points by a plain loop (the like-for-like reference for the pipeline, not judged)',
    direct: 'onnxruntime-node session (same options as the hub), input rows copied into a Float32Array, outputs read back into an array',
    cpu_figures: 'process CPU per call (client and server share the process on HTTP paths), medians over runs; paths interleaved in every run',
    gpu: 'not measured here: onnxruntime-node needs its CUDA binaries, which .npmrc skips',
    cpu: os.cpus()[0]?.model, cores: os.cpus().length, load_avg_1m_start: +loadAtStart.toFixed(2), load_avg_1m: +os.loadavg()[0]!.toFixed(2), node_version: process.version, quick,
  },
}));
