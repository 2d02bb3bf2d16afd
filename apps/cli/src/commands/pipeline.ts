import { readFileSync } from 'node:fs';
import { Command } from 'commander';
import { OutpostError } from '@outpost/contract';
import { createEngineScriptRunner } from '@outpost/sandbox';
import { checkPoint, parseTestRequest, runPipelineTest, type PipelineTestRequest, type PipelineTestResponse } from '@outpost/operators/pipelines/test-request';
import type { CliIo } from '../io.js';
import { RemoteError } from '../exit-codes.js';
import { loadCliConfig, withConfigOptions, type ConfigFlags } from '../options.js';
import { parseTime } from '../time-arg.js';
import type { CliCommand } from './types.js';
import { renderTestResponse } from './pipeline-render.js';
import { gatewayTarget, unreachableGateway } from '../gateway-target.js';

interface TestFlags extends ConfigFlags {
  input?: string;
  replay?: string;
  diff?: string;
  url?: string;
  token?: string;
  json?: boolean;
  flush: boolean;
}

const MAX_POINTS = 100_000;

function readJson(file: string, what: string): unknown {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new OutpostError('ERR_CONFIG_INVALID', `${what} ${file}: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (e as Error).message}`);
  }
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new OutpostError('ERR_CONFIG_INVALID', `${what} ${file}: not valid JSON: ${(e as Error).message}`);
  }
}

/** Points from a JSON Lines file (one point per line; a JSON array file works too). */
export function readSamples(file: string): unknown[] {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new OutpostError('ERR_CONFIG_INVALID', `--input ${file}: ${(e as Error).message}`);
  }
  if (text.trimStart().startsWith('[')) return readJson(file, '--input') as unknown[];
  const points: unknown[] = [];
  text.split('\n').forEach((line, i) => {
    if (line.trim() === '') return;
    let p: unknown;
    try {
      p = JSON.parse(line);
    } catch (e) {
      throw new OutpostError('ERR_QUERY_INVALID', `--input ${file} line ${i + 1}: not valid JSON: ${(e as Error).message}`);
    }
    checkPoint(p, `--input ${file} line ${i + 1}`);
    points.push(p);
  });
  return points;
}

/** `device,from,to[,metric]`: times as epoch ms, ISO dates or relative (-15m). */
export function parseReplay(text: string, now: number): NonNullable<PipelineTestRequest['replay']> {
  const [device, from, to, metric, ...rest] = text.split(',').map((s) => s.trim());
  if (!device || !from || !to || rest.length > 0) throw new OutpostError('ERR_QUERY_INVALID', `--replay: expected device,from,to[,metric], got ${JSON.stringify(text)}`);
  return { device, from: parseTime(from, now), to: parseTime(to, now), ...(metric ? { metric } : {}) };
}

async function postTest(base: string, token: string | undefined, body: PipelineTestRequest): Promise<PipelineTestResponse> {
  let res: Response;
  try {
    res = await fetch(`${base}/v1/pipelines/test`, {
      method: 'POST', body: JSON.stringify(body), signal: AbortSignal.timeout(60_000),
      headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    });
  } catch (e) {
    throw unreachableGateway(base, e);
  }
  const text = await res.text();
  let json: any;
  try { json = JSON.parse(text); } catch { json = undefined; }
  if (!res.ok) {
    const err = json?.error;
    // A pipeline the gateway or hub rejects is the user's error, reported with every problem.
    if (res.status === 400 && typeof err?.code === 'string' && err.code.startsWith('ERR_PIPELINE')) throw new OutpostError(err.code, err.message, err.details);
    throw new RemoteError(`${base} answered ${res.status}${err?.code ? ` ${err.code}` : ''}: ${err?.message ?? text.slice(0, 200)}`);
  }
  return json as PipelineTestResponse;
}

function testCommand(io: CliIo, now: () => number): Command {
  return withConfigOptions(new Command('test'))
    .description('Run a pipeline document on sample points (locally) or on a replay of a gateway\'s store or a hub\'s stored series; print outputs and a per-node trace, or a diff')
    .argument('<file>', 'pipeline document (JSON)')
    .option('--input <samples.jsonl>', 'points, one JSON object per line (or a JSON array); runs in this process unless --url is given')
    .option('--replay <device,from,to[,metric]>', 'replay points stored by a running gateway, or by a hub with --url <hub> --token <session or API key> (metric required there); POST /v1/pipelines/test there')
    .option('--diff <other.json>', 'run a second pipeline on the same points and report the differences in outputs')
    .option('--url <url>', 'gateway or hub base URL (default: the gateway of gateway.http in the configuration)')
    .option('--token <token>', 'bearer token (default: gateway.http.token)')
    .option('--no-flush', 'do not emit windows still open at the end of the input')
    .option('--json', 'print the full result (outputs, errors, trace) as JSON')
    .addHelpText('after', '\nExamples:\n  outpost pipeline test line3.json --input samples.jsonl\n  outpost pipeline test line3.json --replay press-1,-1h,now --url http://127.0.0.1:8081\n  outpost pipeline test line3.json --replay <hub device id>,-1h,now,temp --url https://hub.example.com --token $OUTPOST_HUB_TOKEN\n  outpost pipeline test v2.json --input samples.jsonl --diff v1.json')
    .action(async (file: string, flags: TestFlags) => {
      if ((flags.input === undefined) === (flags.replay === undefined)) throw new OutpostError('ERR_QUERY_INVALID', 'give exactly one of --input <samples.jsonl> or --replay <device,from,to>');
      const body: PipelineTestRequest = { pipeline: readJson(file, 'pipeline'), options: { flush: flags.flush } };
      if (flags.diff) body.diff = readJson(flags.diff, '--diff');
      if (flags.input) body.points = readSamples(flags.input);
      if (flags.replay) body.replay = parseReplay(flags.replay, now());
      let result: PipelineTestResponse;
      if (flags.input && !flags.url) {
        const { req } = parseTestRequest(body, MAX_POINTS);
        result = await runPipelineTest(req, req.points as never[], { scriptRunner: createEngineScriptRunner() });
      } else {
        // Without --url the configuration says where the gateway is (and its token).
        const { base, token } = flags.url ? { base: flags.url.replace(/\/+$/, ''), token: flags.token } : gatewayTarget(loadCliConfig(flags, io).gateway.http, flags);
        result = await postTest(base, token, body);
      }
      io.out(flags.json ? `${JSON.stringify(result, null, 2)}\n` : renderTestResponse(result));
    });
}

/** `outpost pipeline test`: test/trace/diff a pipeline document before deploying it. */
export const pipelineCommand: CliCommand = {
  name: 'pipeline',
  build(io) {
    return new Command('pipeline').description('Work with processing pipelines (see docs/engine.md)').addCommand(testCommand(io, Date.now));
  },
};
