import { Command, Option } from 'commander';
import type { CliIo } from '../io.js';
import { RemoteError } from '../exit-codes.js';
import { loadCliConfig, withConfigOptions, type ConfigFlags } from '../options.js';
import { parsePositiveInt, parseTime } from '../time-arg.js';
import { gatewayTarget, unreachableGateway } from '../gateway-target.js';

interface QueryFlags extends ConfigFlags {
  device?: string;
  metric?: string;
  from?: number;
  to?: number;
  limit: number;
  order: 'asc' | 'desc';
  url?: string;
  token?: string;
  json?: boolean;
}

interface PointRow { device: string; metric: string; ts: number; value: unknown; unit?: string; quality?: string }

/** `outpost gateway query`: GET /v1/points on a running gateway, printed as a table or JSON. */
export function gatewayQueryCommand(io: CliIo, now: () => number = Date.now): Command {
  return withConfigOptions(new Command('query'))
    .description('Query points stored by a running gateway (GET /v1/points)')
    .option('--device <id>', 'only this device')
    .option('--metric <name>', 'only this metric')
    .addOption(new Option('--from <time>', 'from (inclusive): now, epoch ms, ISO date, or relative like -15m, -2h, -7d').argParser((v) => parseTime(v, now())))
    .addOption(new Option('--to <time>', 'to (inclusive), same forms as --from').argParser((v) => parseTime(v, now())))
    .addOption(new Option('--limit <n>', 'at most this many points').default(100).argParser(parsePositiveInt))
    .addOption(new Option('--order <order>', 'by time').choices(['asc', 'desc']).default('asc'))
    .option('--url <url>', 'gateway base URL (default: from gateway.http in the configuration)')
    .option('--token <token>', 'bearer token (default: gateway.http.token, OUTPOST_GATEWAY_HTTP_TOKEN)')
    .option('--json', 'print the points as JSON')
    .addHelpText('after', '\nExample:\n  outpost gateway query --device meter-1 --metric active_power --from -15m --limit 20')
    .action(async (flags: QueryFlags) => {
      const config = loadCliConfig(flags, io);
      const { base, token } = gatewayTarget(config.gateway.http, flags);
      const params = new URLSearchParams({ limit: String(flags.limit), order: flags.order });
      if (flags.device) params.set('device', flags.device);
      if (flags.metric) params.set('metric', flags.metric);
      if (flags.from !== undefined) params.set('from', String(flags.from));
      if (flags.to !== undefined) params.set('to', String(flags.to));
      const points = await fetchPoints(`${base}/v1/points?${params}`, token);
      if (flags.json) io.out(`${JSON.stringify(points, null, 2)}\n`);
      else io.out(renderTable(points));
    });
}

async function fetchPoints(url: string, token: string | undefined): Promise<PointRow[]> {
  let res: Response;
  try {
    res = await fetch(url, { headers: token ? { authorization: `Bearer ${token}` } : {}, signal: AbortSignal.timeout(10_000) });
  } catch (e) {
    throw unreachableGateway(url, e);
  }
  const text = await res.text();
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    body = undefined;
  }
  if (!res.ok) {
    const err = (body as { error?: { code?: string; message?: string } } | undefined)?.error;
    throw new RemoteError(`the gateway answered ${res.status}${err?.code ? ` ${err.code}` : ''}: ${err?.message ?? text.slice(0, 200)}`);
  }
  const points = (body as { points?: unknown } | undefined)?.points;
  if (!Array.isArray(points)) throw new RemoteError(`unexpected answer from ${url}: expected {"points": [...]}, got ${text.slice(0, 200)}`);
  return points as PointRow[];
}

/** A plain aligned table; the time column is ISO 8601 UTC. */
export function renderTable(points: readonly PointRow[]): string {
  if (points.length === 0) return 'no points\n';
  const header = ['time', 'device', 'metric', 'value', 'unit', 'quality'];
  const rows = points.map((p) => [
    new Date(p.ts).toISOString(), p.device, p.metric, p.value === null ? '(gap)' : String(p.value), p.unit ?? '', p.quality ?? 'good',
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i]!)).join('  ').trimEnd();
  return `${[line(header), ...rows.map(line)].join('\n')}\n${points.length} point${points.length === 1 ? '' : 's'}\n`;
}
