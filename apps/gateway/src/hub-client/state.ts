import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

/** What the hub client keeps across restarts (the credential is a secret: the file is 0600). */
export interface HubClientState {
  deviceId?: string;
  orgId?: string;
  credential?: string;
  token?: { token: string; expiresAt: number };
  /** The config version running now and its body (the rollback target). */
  applied?: { version: string; body: Record<string, unknown> } | null;
  /** A version that failed to apply: not retried until the hub offers another. */
  failed?: { version: string; error: string } | null;
}

export function readState(path: string): HubClientState {
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as HubClientState;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return {};
    throw new Error(`hub client state ${path} is unreadable: ${(e as Error).message}`, { cause: e });
  }
}

/** Write-then-rename so a crash never leaves half a state file (and so never loses the credential). */
export function writeState(path: string, s: HubClientState): void {
  mkdirSync(dirname(path), { recursive: true });
  const tmp = `${path}.tmp`;
  writeFileSync(tmp, JSON.stringify(s, null, 2), { mode: 0o600 });
  renameSync(tmp, path);
}
