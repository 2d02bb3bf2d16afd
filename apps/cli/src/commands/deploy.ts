import { readFileSync } from 'node:fs';
import { Command, InvalidArgumentError, Option } from 'commander';
import { OutpostError } from '@outpost/contract';
import type { CliCommand } from './types.js';
import type { CliIo } from '../io.js';
import { hubApi, hubOptions, type HubFlags } from '../hub-api.js';

interface CreateFlags extends HubFlags {
  devices?: string[]; deviceType?: string; group?: string; tag?: string; filter?: string;
  strategy: 'immediate' | 'canary' | 'rolling' | 'ab'; percent?: number; count?: number; batchSize?: number; batchPercent?: number;
  soak: number; wait: number; versionB?: string; maxFailures?: number; maxFailurePct?: number; maxErrorRate?: number; maxLatencyMs?: number;
  onGate?: 'rollback' | 'pause'; deviceTimeout?: number; health?: number; name?: string; start?: boolean;
}
interface DeploymentView {
  id: string; name: string; state: string; reason: string | null; artifactKind: string; artifactName: string; version: string; batch: number;
  progress: Record<string, number>; failures: Array<{ reason: string; count: number }>; arms?: Record<string, { version: string; devices: number; active: number; failed: number; errorRate: number | null }>;
}

const num = (v: string) => { const n = Number(v); if (!Number.isFinite(n) || n < 0) throw new InvalidArgumentError(`expected a non-negative number, got "${v}"`); return n; };
const collect = (v: string, prev: string[] = []) => [...prev, ...v.split(',').filter(Boolean)];

/** One deployment in a few lines: state, progress, failures by reason, A/B arms. */
export function deploymentText(d: DeploymentView): string {
  const p = d.progress;
  const lines = [`${d.id} ${d.name}: ${d.state}${d.reason ? ` — ${d.reason}` : ''}`,
    `  ${d.artifactKind} ${d.artifactName}@${d.version}, batch ${Math.max(d.batch, 0)}: ${p.devices} devices, ${p.active} active, ${p.failed} failed, ${p.rolled_back} rolled back, ${p.skipped} skipped, ${(p.released ?? 0) - (p.settled ?? 0)} in progress`];
  for (const f of d.failures) lines.push(`  failed ×${f.count}: ${f.reason}`);
  for (const [arm, a] of Object.entries(d.arms ?? {})) lines.push(`  arm ${arm} (${a.version}): ${a.devices} devices, ${a.active} active, ${a.failed} failed, error rate ${a.errorRate ?? 'n/a'}`);
  return `${lines.join('\n')}\n`;
}

function strategyOf(f: CreateFlags): Record<string, unknown> {
  switch (f.strategy) {
    case 'immediate': return { kind: 'immediate' };
    case 'canary': return { kind: 'canary', soakS: f.soak, ...(f.count !== undefined ? { count: f.count } : { percent: f.percent ?? 10 }) };
    case 'rolling': return { kind: 'rolling', waitS: f.wait, ...(f.batchSize !== undefined ? { batchSize: f.batchSize } : { batchPercent: f.batchPercent ?? 10 }) };
    case 'ab':
      if (!f.versionB) throw new OutpostError('ERR_DEPLOYMENT_INVALID', '--strategy ab needs --version-b <version> (the version of arm B)');
      return { kind: 'ab', versionB: f.versionB, soakS: f.soak, ...(f.percent !== undefined ? { percent: f.percent } : {}) };
  }
}

export const deployCommand: CliCommand = {
  name: 'deploy',
  build: (io: CliIo) => {
    const print = (flags: HubFlags, d: DeploymentView) => io.out(flags.json ? `${JSON.stringify(d, null, 2)}\n` : deploymentText(d));
    const cmd = new Command('deploy').description('Artifacts and fleet rollouts on the hub (docs/rollouts.md)');
    cmd.addCommand(hubOptions(new Command('upload'))
      .description('Upload an immutable artifact version (pipeline, rule, processor, model, software, config)')
      .argument('<kind>').argument('<name>').argument('<version>').argument('<file>')
      .option('--note <text>', 'a note kept with the version')
      .action(async (kind: string, name: string, version: string, file: string, flags: HubFlags & { note?: string }) => {
        const q = flags.note ? `?note=${encodeURIComponent(flags.note)}` : '';
        const a = await hubApi(flags, io)('PUT', `/v1/artifacts/${encodeURIComponent(kind)}/${encodeURIComponent(name)}/${encodeURIComponent(version)}${q}`, undefined, readFileSync(file));
        io.out(flags.json ? `${JSON.stringify(a, null, 2)}\n` : `${a.kind} ${a.name}@${a.version}: ${a.size} bytes, sha256 ${a.sha256}, signed by ${a.keyId}\n`);
      }));
    cmd.addCommand(hubOptions(new Command('create'))
      .description('Create (and with --start, start) a deployment of <kind> <name>@<version>')
      .argument('<kind>').argument('<name>').argument('<version>')
      .option('--devices <ids>', 'explicit device ids (comma-separated, repeatable)', collect)
      .option('--device-type <id>', 'every device of this type').option('--group <name>').option('--tag <name>')
      .option('--filter <expr>', 'by reported gateway version, e.g. "version < 2.2.0"')
      .addOption(new Option('--strategy <kind>', 'rollout strategy').choices(['immediate', 'canary', 'rolling', 'ab']).default('immediate'))
      .option('--percent <n>', 'canary size or A/B arm-A share in %', num).option('--count <n>', 'canary size in devices', num)
      .option('--batch-size <n>', 'rolling batch in devices', num).option('--batch-percent <n>', 'rolling batch in %', num)
      .option('--soak <s>', 'canary / A/B soak time in seconds', num, 300).option('--wait <s>', 'rolling wait between batches in seconds', num, 60)
      .option('--version-b <version>', 'A/B: the version of arm B')
      .option('--max-failures <n>', 'gate: failed devices allowed', num).option('--max-failure-pct <n>', 'gate: failed % of released devices allowed', num)
      .option('--max-error-rate <x>', 'gate (pipelines, models): highest error rate a device may report', num).option('--max-latency-ms <n>', 'gate (pipelines, models): highest latency', num)
      .addOption(new Option('--on-gate <action>', 'when a gate trips').choices(['rollback', 'pause']))
      .option('--device-timeout <s>', 'a released device silent this long fails: "no report within T"', num)
      .option('--health <s>', 'seconds the gateway health-checks the new version', num)
      .option('--name <text>').option('--start', 'start at once')
      .action(async (kind: string, name: string, version: string, f: CreateFlags) => {
        const gates = Object.fromEntries(Object.entries({ maxFailures: f.maxFailures, maxFailurePct: f.maxFailurePct, maxErrorRate: f.maxErrorRate, maxLatencyMs: f.maxLatencyMs }).filter(([, v]) => v !== undefined));
        const target = Object.fromEntries(Object.entries({ devices: f.devices, deviceType: f.deviceType, group: f.group, tag: f.tag, filter: f.filter }).filter(([, v]) => v !== undefined));
        const body = {
          artifact: { kind, name, version }, target, strategy: strategyOf(f), ...(Object.keys(gates).length ? { gates } : {}),
          ...(f.onGate ? { onGate: f.onGate } : {}), ...(f.deviceTimeout !== undefined ? { deviceTimeoutS: f.deviceTimeout } : {}),
          ...(f.health !== undefined ? { healthS: f.health } : {}), ...(f.name ? { name: f.name } : {}), start: f.start === true,
        };
        print(f, await hubApi(f, io)('POST', '/v1/deployments', body));
      }));
    cmd.addCommand(hubOptions(new Command('list')).description('Deployments, newest first').action(async (flags: HubFlags) => {
      const { items } = await hubApi(flags, io)('GET', '/v1/deployments');
      if (flags.json) io.out(`${JSON.stringify(items, null, 2)}\n`);
      else for (const d of items as DeploymentView[]) io.out(deploymentText(d));
    }));
    cmd.addCommand(hubOptions(new Command('status')).description('One deployment: state, progress, failures by reason').argument('<id>')
      .action(async (id: string, flags: HubFlags) => print(flags, await hubApi(flags, io)('GET', `/v1/deployments/${encodeURIComponent(id)}`))));
    for (const action of ['start', 'pause', 'resume', 'cancel', 'rollback'] as const) {
      cmd.addCommand(hubOptions(new Command(action)).description(`${action[0]!.toUpperCase()}${action.slice(1)} a deployment`).argument('<id>')
        .action(async (id: string, flags: HubFlags) => print(flags, await hubApi(flags, io)('POST', `/v1/deployments/${encodeURIComponent(id)}/${action}`))));
    }
    cmd.addCommand(hubOptions(new Command('history')).description('What was deployed to a device, newest first').argument('<device>')
      .action(async (device: string, flags: HubFlags) => {
        const { items } = await hubApi(flags, io)('GET', `/v1/devices/${encodeURIComponent(device)}/deployment-history`);
        if (flags.json) return io.out(`${JSON.stringify(items, null, 2)}\n`);
        for (const h of items as Array<{ rolloutId: string; artifactKind: string; artifactName: string; version: string; state: string; error: string | null; releasedAt: number | null; stateAt: number }>) {
          io.out(`${new Date(h.stateAt).toISOString()} ${h.artifactKind} ${h.artifactName}@${h.version}: ${h.state}${h.error ? ` — ${h.error}` : ''} (deployment ${h.rolloutId})\n`);
        }
      }));
    return cmd;
  },
};
