import { call, must, pool, uplinkBody, UPLINK_PATH, TOKEN_HEADER } from './client.js';
import { percentile } from '../lib/stats.js';

export const PASSWORD = 'bench password 123456';
const DAY = 86_400_000;

export interface Org { admin: string; ingestKey: string }

export async function setupOrg(url: string): Promise<Org> {
  must(await call(url, 'POST', '/v1/setup', { body: { orgName: 'Bench', email: 'bench@example.test', password: PASSWORD } }), 201, 'setup');
  const admin = must(await call(url, 'POST', '/v1/sessions', { body: { email: 'bench@example.test', password: PASSWORD } }), 201, 'login').json.token as string;
  const ingestKey = must(await call(url, 'POST', '/v1/api-keys', { token: admin, body: { name: 'bench', scopes: ['ingest', 'read'] } }), 201, 'api key').json.secret as string;
  return { admin, ingestKey };
}

export interface Dev { id: string; hw: string; token: string }

/** Register `n` devices through the public API (registration token + register). */
export async function registerDevices(url: string, org: Org, n: number, prefix: string): Promise<Dev[]> {
  const out: Dev[] = new Array(n);
  await pool(n, 16, async (i) => {
    const reg = must(await call(url, 'POST', '/v1/registration-tokens', { token: org.admin, body: {} }), 201, 'reg token').json.token as string;
    const hw = `${prefix}-${String(i).padStart(6, '0')}`;
    const r = must(await call(url, 'POST', '/v1/register', { body: { token: reg, hardwareId: hw } }), 201, 'register').json;
    out[i] = { id: r.deviceId, hw, token: r.deviceToken.token };
  });
  return out;
}

/** POST /v1/ingest, `requests` x `perRequest` points, 8 in flight; points/s until the last batch is stored. */
export async function ingestApi(url: string, org: Org, dev: Dev, requests: number, perRequest: number, t0: number): Promise<number> {
  const bodies = Array.from({ length: requests }, (_, r) => JSON.stringify({
    device_external_id: dev.hw,
    metrics: Array.from({ length: perRequest }, (_, i) => ({ name: `m${i % 10}`, ts: t0 + r * perRequest + i, value: i * 0.25, unit: 'kW' })),
  }));
  let last = '';
  const start = performance.now();
  await pool(requests, 8, async (i) => {
    const r = must(await call(url, 'POST', '/v1/ingest', { raw: Buffer.from(bodies[i]!), headers: { 'content-type': 'application/json', 'x-api-key': org.ingestKey } }), 202, 'ingest');
    if (i === requests - 1) last = r.json.batchId;
  });
  for (;;) {
    const b = (await call(url, 'GET', `/v1/ingest/batches/${last}`, { token: org.admin })).json;
    if (b.status === 'stored') break;
    if (b.status === 'failed') throw new Error(`ingest batch failed: ${b.error}`);
    await new Promise((r) => setTimeout(r, 5));
  }
  return (requests * perRequest) / ((performance.now() - start) / 1000);
}

/** Uplink batches from `gateways` gateways in parallel, each one batch in flight (as the gateway's drain loop). */
export async function ingestUplink(url: string, gws: Dev[], batchesPerGateway: number, points: number, t0: number, stream: string): Promise<number> {
  const prepared = gws.map((g) => Array.from({ length: batchesPerGateway }, (_, s) => uplinkBody(g.id, stream, s + 1, points, t0)));
  const start = performance.now();
  await Promise.all(gws.map(async (g, gi) => {
    for (const b of prepared[gi]!) {
      const r = must(await call(url, 'POST', UPLINK_PATH, { raw: b.body, headers: { ...b.headers, [TOKEN_HEADER]: g.token } }), 200, 'uplink');
      if (r.json.result !== 'stored') throw new Error(`uplink: ${JSON.stringify(r.json)}`);
    }
  }));
  return (gws.length * batchesPerGateway * points) / ((performance.now() - start) / 1000);
}

/** Heartbeats paced at `rate`/s for `seconds`, round-robin over devices: offered and achieved rate, latency percentiles (all beats, and after each device's first). */
export async function heartbeatsPaced(url: string, devs: Dev[], rate: number, seconds: number): Promise<{ offered: number; rate: number; p50: number; p95: number; p95Warm: number; errors: number }> {
  const lat: number[] = [];
  // Beats after every device's first: the hub then has each device's desired state cached.
  const warm: number[] = [];
  let errors = 0;
  const total = rate * seconds;
  // Bodies built before the clock starts: the load generator shares the CPUs with the hub.
  const bodies = Array.from({ length: devs.length }, (_, i) => Buffer.from(JSON.stringify({ status: 'online', uptimeS: i, system: { cpu: 0.3, memory: 0.4 }, buffer: { pendingBatches: 0 }, config: { applied: null } })));
  const headers = { 'content-type': 'application/json' };
  const start = performance.now();
  const inflight: Promise<void>[] = [];
  let sent = 0;
  for (let i = 0; i < total; i++) {
    const due = start + (i * 1000) / rate;
    const wait = due - performance.now();
    if (wait > 1) await new Promise((r) => setTimeout(r, wait));
    const k = i % devs.length;
    sent++;
    inflight.push(call(url, 'POST', '/v1/heartbeat', { token: devs[k]!.token, raw: bodies[k]!, headers })
      .then((r) => { if (r.status === 200) { lat.push(r.ms); if (i >= devs.length) warm.push(r.ms); } else errors++; }, () => { errors++; }));
  }
  // Offered: what the generator managed to send in the paced window (below `rate` when it is starved of CPU).
  const offered = sent / ((performance.now() - start) / 1000);
  await Promise.all(inflight);
  return { offered, rate: lat.length / ((performance.now() - start) / 1000), p50: percentile(lat, 50), p95: percentile(lat, 95), p95Warm: percentile(warm, 95), errors };
}

/** p95 of `n` sequential GETs. */
export async function p95Get(url: string, token: string, path: string, n: number): Promise<number> {
  const lat: number[] = [];
  for (let i = 0; i < n; i++) lat.push(must(await call(url, 'GET', path, { token }), 200, path).ms);
  return percentile(lat, 95);
}

/** 24 h of one metric every 10 s through /v1/ingest, then the 24 h rollup query's p95. */
export async function rollupQuery(url: string, org: Org, dev: Dev, n: number): Promise<number> {
  const t0 = Date.UTC(2026, 0, 1);
  const per = 8640 / 9;
  let last = '';
  for (let r = 0; r < 9; r++) {
    const metrics = Array.from({ length: per }, (_, i) => ({ name: 'temp', ts: t0 + (r * per + i) * 10_000, value: 20 + Math.sin(i / 50) }));
    last = must(await call(url, 'POST', '/v1/ingest', { body: { device_external_id: dev.hw, metrics }, headers: { 'x-api-key': org.ingestKey } }), 202, 'ingest 24h').json.batchId;
  }
  while ((await call(url, 'GET', `/v1/ingest/batches/${last}`, { token: org.admin })).json.status !== 'stored') await new Promise((r) => setTimeout(r, 10));
  return p95Get(url, org.admin, `/v1/rollups?device=${dev.id}&metric=temp&from=${t0}&to=${t0 + DAY}`, n);
}
