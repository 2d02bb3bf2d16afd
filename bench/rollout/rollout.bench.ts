// bench:rollout — an immediate deployment to N simulated devices against a hub in its own process:
// time until every device reported the artifact active, hub CPU and peak RSS meanwhile, and
// heartbeats carrying deployment state handled per second. --quick: 200 devices, fewer repetitions.
import { Agent, request } from 'node:http';
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir, cpus, loadavg } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { bundleChild } from '../lib/bundle.js';
import { startChild } from '../lib/child.js';
import { cpuMs, peakRss } from '../lib/proc.js';
import { median, round } from '../lib/stats.js';
import { call, must, pool } from '../hub/client.js';

const quick = process.argv.includes('--quick');
const DEVICES = quick ? 200 : 1000;
const REPS = quick ? 2 : 3;
const HB_SECONDS = quick ? 3 : 8;
const HB_CONCURRENCY = 32;
const here = dirname(fileURLToPath(import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'outpost-bench-rollout-'));
process.once('exit', () => rmSync(dir, { recursive: true, force: true }));

const hubChild = await bundleChild(join(here, '..', 'hub', 'hub-child.ts'));
const hub = await startChild<{ pid: number; url: string }>(hubChild, [JSON.stringify({ port: 0, dataDir: dir, log: { level: 'warn' }, auth: { rateLimitPerMinute: 100_000_000 }, maxBodyBytes: 16 * 1024 * 1024 })]);
const base = hub.ready.url;
const PASSWORD = 'correct horse battery staple';
must(await call(base, 'POST', '/v1/setup', { body: { orgName: 'Bench', email: 'b@bench.test', password: PASSWORD } }), 201, 'setup');
const admin = must(await call(base, 'POST', '/v1/sessions', { body: { email: 'b@bench.test', password: PASSWORD } }), 201, 'login').json.token as string;
const type = must(await call(base, 'POST', '/v1/device-types', { token: admin, body: { name: 'press', metrics: [] } }), 201, 'device type').json.id as string;

interface Sim { id: string; token: string; digest: string; done: Set<string> }
const sims: Sim[] = [];
await pool(DEVICES, 16, async (i) => {
  const reg = must(await call(base, 'POST', '/v1/registration-tokens', { token: admin, body: { deviceTypeId: type } }), 201, 'registration token').json.token;
  const r = must(await call(base, 'POST', '/v1/register', { body: { token: reg, hardwareId: `sim-${i}` } }), 201, 'register').json;
  sims.push({ id: r.deviceId, token: r.deviceToken.token, digest: '', done: new Set() });
});

// Long polls: one open request per device, on their own unbounded pool (the shared one caps sockets).
const pollAgent = new Agent({ keepAlive: true, maxSockets: Infinity });
const longPoll = (s: Sim): Promise<any> => new Promise((resolve, reject) => {
  const req = request(`${base}/v1/desired?${s.digest ? `wait=30&artifacts=${s.digest}` : 'wait=0'}`, { headers: { authorization: `Bearer ${s.token}` }, agent: pollAgent }, (res) => {
    const chunks: Buffer[] = [];
    res.on('data', (c: Buffer) => chunks.push(c));
    res.on('end', () => { try { resolve(JSON.parse(Buffer.concat(chunks).toString('utf8'))); } catch (e) { reject(e); } });
    res.on('error', reject);
  });
  req.on('error', reject);
  req.end();
});

const download = (s: Sim, path: string): Promise<Buffer> => new Promise((resolve, reject) => {
  const req = request(`${base}${path}`, { headers: { authorization: `Bearer ${s.token}` }, agent: pollAgent }, (res) => {
    const chunks: Buffer[] = [];
    res.on('data', (c: Buffer) => chunks.push(c));
    res.on('end', () => (res.statusCode === 200 ? resolve(Buffer.concat(chunks)) : reject(new Error(`download ${path}: HTTP ${res.statusCode}`))));
    res.on('error', reject);
  });
  req.on('error', reject);
  req.end();
});

let stopped = false;
const reachedAt = new Map<string, number>();
/** A simulated gateway: waits for news, downloads and checks what is new, reports it active. */
async function device(s: Sim): Promise<void> {
  while (!stopped) {
    let want: any;
    try { want = await longPoll(s); } catch { continue; }
    s.digest = want.artifactsDigest ?? s.digest;
    for (const a of (want.artifacts ?? []) as Array<{ deploymentId: string; artifact: { kind: string; name: string; version: string; sha256: string } | null }>) {
      if (!a.artifact || s.done.has(a.deploymentId)) continue;
      const bytes = await download(s, `/v1/artifacts/${a.artifact.kind}/${a.artifact.name}/${a.artifact.version}/content`);
      if (createHash('sha256').update(bytes).digest('hex') !== a.artifact.sha256) throw new Error(`device ${s.id}: downloaded content does not match its SHA-256`);
      s.done.add(a.deploymentId);
      must(await call(base, 'POST', '/v1/heartbeat', { token: s.token, body: { status: 'online', artifacts: [{ deploymentId: a.deploymentId, state: 'active', version: a.artifact.version }] } }), 200, 'report');
      reachedAt.set(`${a.deploymentId}/${s.id}`, performance.now());
    }
  }
}
const running = sims.map((s) => device(s));
// Every device has its first answer (and so its digest) and waits in a long poll before the clock starts.
while (sims.some((s) => !s.digest)) await new Promise((res) => setTimeout(res, 20));

const rollout: Array<{ ms: number; cpuMs: number; peakRssMb: number; hubCompletedMs: number }> = [];
for (let r = 1; r <= REPS; r++) {
  const content = Buffer.from(JSON.stringify({ rules: Array.from({ length: 600 }, (_, i) => `temperature_${i} < ${r * 100 + i} and pressure_${i} > 1`) }));
  must(await call(base, 'PUT', `/v1/artifacts/rule/limits/${r}`, { token: admin, raw: content, headers: { 'content-type': 'application/octet-stream' } }), 201, 'upload');
  const rss = peakRss(hub.ready.pid);
  const cpu0 = cpuMs(hub.ready.pid);
  const t0 = performance.now();
  const dep = must(await call(base, 'POST', '/v1/deployments', { token: admin, body: { artifact: { kind: 'rule', name: 'limits', version: String(r) }, target: { deviceType: type }, start: true } }), 201, 'deploy').json;
  while ([...reachedAt.keys()].filter((k) => k.startsWith(`${dep.id}/`)).length < DEVICES) await new Promise((res) => setTimeout(res, 20));
  const ms = Math.max(...sims.map((s) => reachedAt.get(`${dep.id}/${s.id}`)!)) - t0;
  const cpu = cpuMs(hub.ready.pid) - cpu0;
  for (;;) {
    const d = must(await call(base, 'GET', `/v1/deployments/${dep.id}`, { token: admin }), 200, 'status').json;
    if (d.state === 'completed') break;
    await new Promise((res) => setTimeout(res, 50));
  }
  rollout.push({ ms, cpuMs: cpu, peakRssMb: rss.stop(), hubCompletedMs: performance.now() - t0 });
}
stopped = true;
// Wake the long polls so the device loops end: one more (tiny) deployment change.
must(await call(base, 'POST', '/v1/deployments', { token: admin, body: { artifact: { kind: 'rule', name: 'limits', version: '1' }, target: { deviceType: type }, start: true } }), 201, 'wake');
await Promise.allSettled(running);

// Heartbeats with deployment state: every device reports its (unchanged) state, as real gateways do each beat.
const hbRuns: Array<{ perS: number; cpuPct: number }> = [];
for (let r = 0; r < REPS; r++) {
  let n = 0;
  const until = performance.now() + HB_SECONDS * 1000;
  const cpu0 = cpuMs(hub.ready.pid);
  const t0 = performance.now();
  await pool(HB_CONCURRENCY, HB_CONCURRENCY, async (w) => {
    for (let i = w; performance.now() < until; i += HB_CONCURRENCY) {
      const s = sims[i % sims.length]!;
      must(await call(base, 'POST', '/v1/heartbeat', { token: s.token, body: { status: 'online', uptimeS: 100, artifacts: [...s.done].map((deploymentId) => ({ deploymentId, state: 'active' })) } }), 200, 'heartbeat');
      n++;
    }
  });
  const s = (performance.now() - t0) / 1000;
  hbRuns.push({ perS: n / s, cpuPct: ((cpuMs(hub.ready.pid) - cpu0) / 10) / s });
}
await hub.stop();

const med = (f: (x: (typeof rollout)[number]) => number) => round(median(rollout.map(f)), 1);
console.log(JSON.stringify({
  bench: 'rollout',
  figures: {
    immediateRolloutToAllDevices: { value: round(med((x) => x.ms) / 1000, 2), unit: 's' },
    hubCompletedDeployment: { value: round(med((x) => x.hubCompletedMs) / 1000, 2), unit: 's' },
    hubCpuDuringRollout: { value: med((x) => x.cpuMs), unit: 'ms CPU' },
    hubPeakRssDuringRollout: { value: med((x) => x.peakRssMb), unit: 'MiB' },
    heartbeatsWithDeploymentState: { value: round(median(hbRuns.map((x) => x.perS)), 0), unit: 'heartbeats/s' },
    hubCpuDuringHeartbeats: { value: round(median(hbRuns.map((x) => x.cpuPct)), 0), unit: '% of one core' },
  },
  conditions: {
    quick, devices: DEVICES, reps: REPS, heartbeatSeconds: HB_SECONDS, heartbeatConcurrency: HB_CONCURRENCY, cpus: cpus().length,
    loadAverage1mAtEnd: round(loadavg()[0]!, 1), sharedMachine: 'other engineers\' builds and tests ran concurrently; figures are noisy',
    node: process.version, hub: 'separate process, bundled, SQLite, in-process queue', simulation: 'devices in the bench process: long poll /v1/desired, download the content and check its SHA-256, report active through the heartbeat',
    artifact: 'rule set, about 30 KB JSON', medianOf: REPS,
  },
}));
process.exit(0);
