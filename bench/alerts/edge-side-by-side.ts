/**
 * The edge-pipeline side-by-side (../shared/bench/edge-pipeline, beside this repository): the
 * reference job run by `outpost gateway` (edge-peer/outpost-gateway.sh, client mode against the
 * harness's Mosquitto) and by Node-RED in the same run. The harness takes one custom peer per
 * invocation and PERSIST for all peers of an invocation, so it runs twice, each interleaved:
 * [outpost, node-red] and, durable, [outpost, node-red-sqlite]. Ratios are Outpost / Node-RED
 * per repetition index (adjacent in time), medians reported.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bundleChild } from '../lib/bundle.js';

const root = new URL('../../', import.meta.url).pathname;
export const HARNESS = join(root, '..', 'shared', 'bench', 'edge-pipeline');
const PEER = join(root, 'bench', 'alerts', 'edge-peer', 'outpost-gateway.sh');

type Figure = { value: number; unit: string; target?: number; meets?: boolean };
interface Rep {
  rep: number;
  max?: { throughput: number; publish: { publishRate: number }; peerCpuMsPer1kMsgs: number; alertsMissing: number; persist?: { reached: boolean } | null };
  fixed?: { latencyMs: { p99: number }; peerUsage: { rssPeakMiB: number }; alertsMissing: number; persist?: { reached: boolean } | null };
}

const median = (xs: number[]) => { const s = [...xs].sort((a, b) => a - b); return s.length ? s[Math.floor(s.length / 2)]! : Number.NaN; };
const r3 = (n: number) => Math.round(n * 1000) / 1000;

function runHarness(peers: string[], env: Record<string, string>, log: (s: string) => void): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn('./run.sh', peers, { cwd: HARNESS, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout.on('data', (d: Buffer) => { for (const l of d.toString().split('\n')) if (l.includes(' rep ')) log(l); });
    let err = '';
    child.stderr.on('data', (d: Buffer) => { err = (err + d.toString()).slice(-4000); });
    child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`edge-pipeline harness (${peers.join(' ')}) exited ${code}: ${err}`))));
  });
}

function reps(dir: string, peer: string): Rep[] {
  return (JSON.parse(readFileSync(join(dir, peer, 'summary.json'), 'utf8')) as { reps: Rep[] }).reps;
}

/** Paired per repetition: f(outpost rep k) / f(node-red rep k). */
function paired(a: Rep[], b: Rep[], f: (r: Rep) => number): number {
  const v: number[] = [];
  for (const x of a) { const y = b.find((r) => r.rep === x.rep); if (x.max && x.fixed && y?.max && y.fixed) v.push(f(x) / f(y)); }
  return median(v);
}

export async function edgeSideBySide(quick: boolean, log: (s: string) => void): Promise<{ figures: Record<string, Figure>; conditions: Record<string, unknown> } | { skipped: string }> {
  if (!existsSync(join(HARNESS, 'run.sh'))) return { skipped: `harness not found at ${HARNESS} (a checkout of shared/ beside the repository)` };
  const bundle = await bundleChild(join(root, 'apps/cli/src/main.ts'));
  const knobs = { REPS: process.env.EDGE_REPS ?? (quick ? '1' : '3'), N: quick ? '10000' : '20000', FIXED_SECONDS: quick ? '5' : '10' };
  const base = { ...knobs, PEER_CMD: PEER, OUTPOST_BUNDLE: bundle };
  const figures: Record<string, Figure> = {};
  const variants = [
    { name: 'plain', peers: ['custom', 'node-red'], env: {} as Record<string, string>, cpuTarget: 0.5 },
    { name: 'durable', peers: ['custom', 'node-red-sqlite'], env: { PERSIST: '1' }, cpuTarget: 0.2 },
  ];
  const dirs: Record<string, string> = {};
  for (const v of variants) {
    const out = mkdtempSync(join(tmpdir(), `outpost-edge-${v.name}-`));
    dirs[v.name] = out;
    await runHarness(v.peers, { ...base, ...v.env, OUT_DIR: out }, (l) => log(`${v.name}: ${l}`));
    const o = reps(out, 'custom');
    const n = reps(out, v.peers[1]!);
    const ok = o.filter((r) => r.max && r.fixed);
    const keepUp = median(ok.map((r) => r.max!.throughput / r.max!.publish.publishRate));
    const missing = ok.reduce((s, r) => s + r.max!.alertsMissing + r.fixed!.alertsMissing, 0);
    const allRows = ok.every((r) => (v.name === 'plain' || (r.max!.persist?.reached && r.fixed!.persist?.reached)));
    const tag = v.name;
    figures[`edge_${tag}_outpost_keeps_up_ratio`] = { value: r3(keepUp), unit: 'processed/published', target: 0.95, meets: ok.length === o.length && keepUp >= 0.95 };
    figures[`edge_${tag}_outpost_alerts_missing`] = { value: missing, unit: 'alerts', target: 0, meets: missing === 0 && allRows && ok.length === o.length };
    for (const [who, rs] of [['outpost', o], ['nodered', n]] as const) {
      const good = rs.filter((r) => r.max && r.fixed);
      figures[`edge_${tag}_${who}_cpu_ms_per_1k_points`] = { value: r3(median(good.map((r) => r.max!.peerCpuMsPer1kMsgs))), unit: 'ms' };
      figures[`edge_${tag}_${who}_p99_ms_at_1k`] = { value: r3(median(good.map((r) => r.fixed!.latencyMs.p99))), unit: 'ms' };
      figures[`edge_${tag}_${who}_rss_mib_at_1k`] = { value: r3(median(good.map((r) => r.fixed!.peerUsage.rssPeakMiB))), unit: 'MiB' };
    }
    const cpu = paired(o, n, (r) => r.max!.peerCpuMsPer1kMsgs);
    const p99 = paired(o, n, (r) => r.fixed!.latencyMs.p99);
    const rss = paired(o, n, (r) => r.fixed!.peerUsage.rssPeakMiB);
    figures[`edge_${tag}_cpu_per_1k_ratio_outpost_to_nodered`] = { value: r3(cpu), unit: 'ratio', target: v.cpuTarget, meets: cpu <= v.cpuTarget };
    figures[`edge_${tag}_p99_at_1k_ratio_outpost_to_nodered`] = { value: r3(p99), unit: 'ratio', target: 1, meets: p99 < 1 };
    figures[`edge_${tag}_rss_ratio_outpost_to_nodered`] = { value: r3(rss), unit: 'ratio', target: 1, meets: rss < 1 };
  }
  return {
    figures,
    conditions: {
      edgeHarness: '../shared/bench/edge-pipeline (run twice, each interleaved: custom+node-red, PERSIST=1 custom+node-red-sqlite)',
      edgeKnobs: knobs,
      edgeResults: dirs,
      edgeOutpost: 'outpost gateway (esbuild bundle of apps/cli/src/main.ts), MQTT 5 client of the harness Mosquitto, threshold eachPoint rules, seq kept by gateway.ingest.attributes; plain = synchronous normal (still commits every point before its PUBACK), durable = DB_PATH with synchronous full',
    },
  };
}
