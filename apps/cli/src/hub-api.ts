import type { Command } from 'commander';
import type { CliIo } from './io.js';
import { RemoteError } from './exit-codes.js';

export interface HubFlags { url?: string; token?: string; json?: boolean }

/** --url, --token and --json for verbs that call the hub's API. */
export function hubOptions(cmd: Command): Command {
  return cmd
    .option('--url <url>', 'hub base URL (default: $OUTPOST_HUB_URL, else http://127.0.0.1:8080)')
    .option('--token <token>', 'session token or API key with the write scope (default: $OUTPOST_HUB_TOKEN)')
    .option('--json', 'print the hub\'s JSON answer');
}

/**
 * A small client for the hub's API: JSON in and out (or raw bytes in with `raw`); errors carry the
 * hub's catalogue code and message, an unreachable hub says so (RemoteError: exit 4).
 */
export function hubApi(flags: HubFlags, io: CliIo) {
  const base = (flags.url ?? io.env.OUTPOST_HUB_URL ?? 'http://127.0.0.1:8080').replace(/\/+$/, '');
  const token = flags.token ?? io.env.OUTPOST_HUB_TOKEN;
  return async (method: string, path: string, body?: unknown, raw?: Buffer): Promise<any> => {
    let res: Response;
    try {
      res = await fetch(base + path, {
        method, signal: AbortSignal.timeout(30_000),
        headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(raw ? { 'content-type': 'application/octet-stream' } : body !== undefined ? { 'content-type': 'application/json' } : {}) },
        ...(raw ? { body: raw } : body !== undefined ? { body: JSON.stringify(body) } : {}),
      });
    } catch (e) {
      const cause = (e as { cause?: { code?: string } }).cause;
      throw new RemoteError(`cannot reach the hub at ${base} (${cause?.code ?? (e as Error).message}); see --url`);
    }
    const text = await res.text();
    let json: any;
    try { json = JSON.parse(text); } catch { json = undefined; }
    if (!res.ok) throw new RemoteError(`the hub answered ${res.status}${json?.error?.code ? ` ${json.error.code}` : ''}: ${json?.error?.message ?? text.slice(0, 200)}`);
    return json;
  };
}
