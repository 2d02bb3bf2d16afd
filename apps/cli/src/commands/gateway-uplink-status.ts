import { Command } from 'commander';
import type { CliIo } from '../io.js';
import { RemoteError } from '../exit-codes.js';
import { loadCliConfig, withConfigOptions, type ConfigFlags } from '../options.js';
import { gatewayTarget, unreachableGateway } from '../gateway-target.js';

interface Flags extends ConfigFlags { url?: string; token?: string; json?: boolean }

interface ClassRow { items: number; points: number; bytes: number; oldestAgeMs: number | null }
interface Status {
  hub: string;
  link: { state: string; since: number; lastError: string | null; consecutiveFailures: number };
  pending: Record<string, ClassRow>;
  capacity: { maxBytes: number; usedBytes: number; ratio: number };
  drops: Record<string, Record<string, { points: number; items: number }>>;
  droppedPoints: number;
  drainPointsPerS: number;
  delivered: { batches: number; points: number };
  deadLettered: number;
}

/** `outpost gateway uplink-status`: GET /v1/uplink/status on a running gateway. */
export function gatewayUplinkStatusCommand(io: CliIo, now: () => number = Date.now): Command {
  return withConfigOptions(new Command('uplink-status'))
    .description('Show the uplink buffer of a running gateway: pending per class, oldest age, drain rate, drops, link state, last error')
    .option('--url <url>', 'gateway base URL (default: from gateway.http in the configuration)')
    .option('--token <token>', 'bearer token (default: gateway.http.token, OUTPOST_GATEWAY_HTTP_TOKEN)')
    .option('--json', 'print the status as JSON')
    .action(async (flags: Flags) => {
      const config = loadCliConfig(flags, io);
      const { base, token } = gatewayTarget(config.gateway.http, flags);
      let res: Response;
      try {
        res = await fetch(`${base}/v1/uplink/status`, { headers: token ? { authorization: `Bearer ${token}` } : {}, signal: AbortSignal.timeout(10_000) });
      } catch (e) {
        throw unreachableGateway(base, e);
      }
      const text = await res.text();
      let body: unknown;
      try { body = JSON.parse(text); } catch { body = undefined; }
      if (!res.ok) {
        const b = body as { message?: string; error?: { message?: string } } | undefined;
        throw new RemoteError(`the gateway answered ${res.status}: ${b?.error?.message ?? b?.message ?? text.slice(0, 200)}`);
      }
      if (flags.json) io.out(`${JSON.stringify(body, null, 2)}\n`);
      else io.out(renderUplinkStatus(body as Status, now()));
    });
}

const mb = (n: number) => `${(n / 1024 / 1024).toFixed(2)} MB`;
const age = (ms: number | null) => (ms === null ? '-' : ms < 60_000 ? `${Math.round(ms / 1000)} s` : ms < 3_600_000 ? `${Math.round(ms / 60_000)} min` : `${(ms / 3_600_000).toFixed(1)} h`);

export function renderUplinkStatus(s: Status, now: number): string {
  const lines = [
    `hub      ${s.hub}`,
    `link     ${s.link.state} for ${age(now - s.link.since)}${s.link.consecutiveFailures ? `, ${s.link.consecutiveFailures} failure(s) in a row` : ''}`,
    `error    ${s.link.lastError ?? '-'}`,
    `buffer   ${mb(s.capacity.usedBytes)} of ${mb(s.capacity.maxBytes)} (${Math.round(s.capacity.ratio * 100)} %)`,
    `drain    ${s.drainPointsPerS} points/s; delivered ${s.delivered.points} points in ${s.delivered.batches} batches; ${s.deadLettered} batch(es) dead-lettered`,
    '',
    'class     items    points     bytes  oldest  dropped (capacity/expired/rejected points)',
  ];
  for (const [cls, p] of Object.entries(s.pending)) {
    const d = s.drops[cls] ?? {};
    const dropped = ['capacity', 'expired', 'rejected'].map((r) => d[r]?.points ?? 0).join('/');
    lines.push(`${cls.padEnd(8)} ${String(p.items).padStart(6)} ${String(p.points).padStart(9)} ${String(p.bytes).padStart(9)} ${age(p.oldestAgeMs).padStart(7)}  ${dropped}`);
  }
  return `${lines.join('\n')}\n`;
}
