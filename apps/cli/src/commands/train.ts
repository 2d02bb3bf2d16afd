import { readFileSync } from 'node:fs';
import { Command, InvalidArgumentError, Option } from 'commander';
import type { CliIo } from '../io.js';
import { RemoteError } from '../exit-codes.js';
import { hubApi as hub, hubOptions, type HubFlags } from '../hub-api.js';
import { parseTime } from '../time-arg.js';

interface StartFlags extends HubFlags {
  name: string; algorithm: string; device?: string[]; deviceType?: string; metric: string[]; from: number; to: number;
  param?: string[]; grid?: string[]; labels?: string; estimateOnly?: boolean; wait?: boolean;
}
interface JobView { id: string; name: string; algorithm: string; status: string; progress: { percent: number; stage: string; etaSeconds: number | null }; error: string | null; model: { name: string; version: number } | null }

const collect = (v: string, prev: string[] = []) => [...prev, v];
/** Repeatable name=value option; a malformed one is a usage error (exit 2). */
const collectPair = (v: string, prev: string[] = []) => {
  if (v.indexOf('=') <= 0) throw new InvalidArgumentError(`expected name=value, got "${v}"`);
  return [...prev, v];
};
const scalar = (s: string): number | string => (s.trim() !== '' && Number.isFinite(Number(s)) ? Number(s) : s);

/** `key=value` pairs of --param (one value) or --grid (comma-separated candidates). */
function pairs(list: readonly string[] | undefined, many: boolean): Record<string, unknown> | undefined {
  if (!list?.length) return undefined;
  const out: Record<string, unknown> = {};
  for (const item of list) {
    const i = item.indexOf('=');
    const v = item.slice(i + 1);
    out[item.slice(0, i)] = many ? v.split(',').map(scalar) : scalar(v);
  }
  return out;
}

export function jobLine(j: JobView): string {
  const eta = j.progress.etaSeconds === null ? '' : `, ETA ${Math.ceil(j.progress.etaSeconds)} s`;
  const model = j.model ? ` → model ${j.model.name} v${j.model.version}` : '';
  return `${j.id} ${j.name} (${j.algorithm}): ${j.status}, ${j.progress.percent}% ${j.progress.stage}${eta}${model}${j.error ? ` — ${j.error}` : ''}\n`;
}

async function follow(call: ReturnType<typeof hub>, id: string, io: CliIo, json: boolean | undefined): Promise<JobView> {
  let last = '';
  for (;;) {
    const j = (await call('GET', `/v1/training-jobs/${encodeURIComponent(id)}`)) as JobView;
    const line = jobLine(j);
    if (!json && line !== last) io.out(line);
    last = line;
    if (['succeeded', 'failed', 'cancelled'].includes(j.status)) {
      if (json) io.out(`${JSON.stringify(j, null, 2)}\n`);
      if (j.status !== 'succeeded') throw new RemoteError(`training job ${id} ${j.status}${j.error ? `: ${j.error}` : ''}`);
      return j;
    }
    await new Promise((r) => setTimeout(r, 500));
  }
}

/** `outpost train start|status|cancel`: training jobs on the hub (POST/GET /v1/training-jobs). */
export const trainCommand = {
  name: 'train',
  build(io: CliIo, now: () => number = Date.now): Command {
    const cmd = new Command('train').description('Train anomaly-detection models on the hub\'s stored data');
    cmd.addCommand(hubOptions(new Command('start'))
      .description('Show the estimate, then start a training job (POST /v1/training-jobs)')
      .requiredOption('--name <model>', 'model name; the result is its next version')
      .requiredOption('--algorithm <kind>', 'zscore, robust, ewma, iforest, ocsvm, lstm-ae or novelty')
      .option('--device <id>', 'a device to train on (repeatable)', collect)
      .option('--device-type <id>', 'train on the active devices of this type')
      .requiredOption('--metric <name>', 'a metric to train on (repeatable)', collect)
      .addOption(new Option('--from <time>', 'start of the data: epoch ms, ISO date, or relative like -7d').argParser((v) => parseTime(v, now())).makeOptionMandatory())
      .addOption(new Option('--to <time>', 'end of the data (exclusive), same forms').argParser((v) => parseTime(v, now())).default(undefined))
      .option('--param <name=value>', 'a hand-set hyper-parameter (repeatable)', collectPair)
      .option('--grid <name=v1,v2,…>', 'grid-search candidates for a parameter (repeatable; needs --labels)', collectPair)
      .option('--labels <file.csv>', 'anomaly labels: `timestamp` or `start,end` per line')
      .option('--estimate-only', 'print the estimate and do not start')
      .option('--wait', 'follow progress until the job ends')
      .addHelpText('after', '\nExample:\n  outpost train start --name pump-vib --algorithm novelty --device-type pump --metric vibration_rms --from -30d --wait')
      .action(async (flags: StartFlags) => {
        const call = hub(flags, io);
        const body = {
          name: flags.name, algorithm: flags.algorithm, metrics: flags.metric, from: flags.from, to: flags.to ?? now(),
          ...(flags.device ? { devices: flags.device } : {}), ...(flags.deviceType ? { deviceType: flags.deviceType } : {}),
          ...(flags.param ? { params: pairs(flags.param, false) } : {}),
          ...(flags.grid ? { grid: pairs(flags.grid, true) } : {}),
          ...(flags.labels ? { labels: readFileSync(flags.labels, 'utf8') } : {}),
        };
        const est = await call('POST', '/v1/training-jobs/estimate', body);
        const e = est.estimate as { combinations: number; points: number; estimatedSeconds: number };
        if (!flags.json) io.out(`estimate: ${e.combinations} combination(s) over ${e.points} points, about ${Math.ceil(e.estimatedSeconds)} s (limits ${est.limits.maxCombinations} combinations, ${est.limits.maxSeconds} s)\n`);
        if (flags.estimateOnly) { if (flags.json) io.out(`${JSON.stringify(est, null, 2)}\n`); return; }
        const job = (await call('POST', '/v1/training-jobs', body)) as JobView;
        if (flags.wait) { await follow(call, job.id, io, flags.json); return; }
        io.out(flags.json ? `${JSON.stringify(job, null, 2)}\n` : `started ${jobLine(job)}`);
      }));
    cmd.addCommand(hubOptions(new Command('status'))
      .description('Status and progress of a training job (percent, stage, ETA)')
      .argument('<job-id>')
      .option('--wait', 'follow progress until the job ends')
      .action(async (id: string, flags: HubFlags & { wait?: boolean }) => {
        const call = hub(flags, io);
        if (flags.wait) { await follow(call, id, io, flags.json); return; }
        const j = (await call('GET', `/v1/training-jobs/${encodeURIComponent(id)}`)) as JobView;
        io.out(flags.json ? `${JSON.stringify(j, null, 2)}\n` : jobLine(j));
      }));
    cmd.addCommand(hubOptions(new Command('cancel'))
      .description('Cancel a queued or running training job; it stores no model version')
      .argument('<job-id>')
      .action(async (id: string, flags: HubFlags) => {
        const j = (await hub(flags, io)('POST', `/v1/training-jobs/${encodeURIComponent(id)}/cancel`)) as JobView;
        io.out(flags.json ? `${JSON.stringify(j, null, 2)}\n` : jobLine(j));
      }));
    return cmd;
  },
};
