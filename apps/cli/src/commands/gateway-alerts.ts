import { Command, Option } from 'commander';
import type { CliIo } from '../io.js';
import { RemoteError } from '../exit-codes.js';
import { loadCliConfig, withConfigOptions, type ConfigFlags } from '../options.js';
import { parsePositiveInt, parseTime } from '../time-arg.js';
import { gatewayTarget, unreachableGateway } from '../gateway-target.js';

interface Flags extends ConfigFlags { state?: string; rule?: string; device?: string; since?: number; limit: number; ack?: string; clear?: string; by?: string; url?: string; token?: string; json?: boolean }
interface AlertRow { id: number; rule: string; device: string; severity: string; state: string; message: string; raisedAt: number; ackedAt: number | null; ackedBy: string | null; clearedAt: number | null }

/** `outpost gateway alerts`: alert history of a running gateway; `--ack <id>` / `--clear <id>` change one. */
export function gatewayAlertsCommand(io: CliIo, now: () => number = Date.now): Command {
  return withConfigOptions(new Command('alerts'))
    .description('Alert history of a running gateway (GET /v1/alerts), or acknowledge / clear one alert')
    .addOption(new Option('--state <state>', 'only alerts in this state').choices(['open', 'raised', 'acknowledged', 'cleared']))
    .option('--rule <id>', 'only this rule')
    .option('--device <id>', 'only this device')
    .addOption(new Option('--since <time>', 'raised at or after: epoch ms, ISO date, or relative like -1h').argParser((v) => parseTime(v, now())))
    .addOption(new Option('--limit <n>', 'at most this many alerts, newest first').default(100).argParser(parsePositiveInt))
    .addOption(new Option('--ack <id>', 'acknowledge this alert').argParser(parsePositiveInt))
    .addOption(new Option('--clear <id>', 'clear this alert by hand').argParser(parsePositiveInt))
    .option('--by <name>', 'who acknowledges (with --ack)', 'cli')
    .option('--url <url>', 'gateway base URL (default: from gateway.http in the configuration)')
    .option('--token <token>', 'bearer token (default: gateway.http.token, OUTPOST_GATEWAY_HTTP_TOKEN)')
    .option('--json', 'print JSON')
    .addHelpText('after', '\nExamples:\n  outpost gateway alerts --state open\n  outpost gateway alerts --ack 42 --by alice')
    .action(async (flags: Flags) => {
      const config = loadCliConfig(flags, io);
      const { base, token } = gatewayTarget(config.gateway.http, flags);
      if (flags.ack !== undefined || flags.clear !== undefined) {
        const [verb, id] = flags.ack !== undefined ? ['ack', flags.ack] : ['clear', flags.clear!];
        const change = await call(`${base}/v1/alerts/${id}/${verb}`, token, verb === 'ack' ? { by: flags.by } : {});
        if (flags.json) io.out(`${JSON.stringify(change, null, 2)}\n`);
        else io.out(`alert ${id} ${(change as { change: string }).change}\n`);
        return;
      }
      const params = new URLSearchParams({ limit: String(flags.limit) });
      if (flags.state) params.set('state', flags.state);
      if (flags.rule) params.set('rule', flags.rule);
      if (flags.device) params.set('device', flags.device);
      if (flags.since !== undefined) params.set('since', String(flags.since));
      const { alerts } = await call(`${base}/v1/alerts?${params}`, token) as { alerts: AlertRow[] };
      if (flags.json) io.out(`${JSON.stringify(alerts, null, 2)}\n`);
      else io.out(renderAlerts(alerts));
    });
}

async function call(url: string, token: string | undefined, body?: unknown): Promise<unknown> {
  let res: Response;
  try {
    res = await fetch(url, {
      method: body === undefined ? 'GET' : 'POST', signal: AbortSignal.timeout(10_000),
      headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
  } catch (e) {
    throw unreachableGateway(url, e);
  }
  const text = await res.text();
  let parsed: unknown;
  try { parsed = JSON.parse(text); } catch { parsed = undefined; }
  if (!res.ok) {
    const b = parsed as { error?: { message?: string } } | undefined;
    throw new RemoteError(`the gateway answered ${res.status}: ${b?.error?.message ?? text.slice(0, 200)}`);
  }
  return parsed;
}

const iso = (ms: number | null) => (ms === null ? '-' : new Date(ms).toISOString().replace('.000Z', 'Z'));

export function renderAlerts(rows: readonly AlertRow[]): string {
  if (rows.length === 0) return 'no alerts\n';
  const head = ['id', 'state', 'severity', 'rule', 'device', 'raised', 'acknowledged', 'cleared', 'message'];
  const body = rows.map((a) => [String(a.id), a.state, a.severity, a.rule, a.device, iso(a.raisedAt), a.ackedAt === null ? '-' : `${iso(a.ackedAt)} by ${a.ackedBy}`, iso(a.clearedAt), a.message]);
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((r) => r[i]!.length)));
  return [head, ...body].map((r) => r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i]!))).join('  ')).join('\n') + '\n';
}
