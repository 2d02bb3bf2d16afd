import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, waitFor, isListening } from '@outpost/testing';

/** A private Mosquitto on a free 127.0.0.1 port (never the system service), no persistence. */
export async function startMosquitto(): Promise<{ url: string; stop: () => void }> {
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'outpost-bench-mosq-'));
  const conf = join(dir, 'mosquitto.conf');
  writeFileSync(conf, [`listener ${port} 127.0.0.1`, 'allow_anonymous true', 'persistence false', 'max_queued_messages 1000000', 'max_inflight_messages 1000', 'log_dest stderr', 'log_type error', ''].join('\n'));
  const child = spawn(process.env.MOSQUITTO_BIN ?? '/usr/sbin/mosquitto', ['-c', conf], { stdio: ['ignore', 'ignore', 'inherit'] });
  process.once('exit', () => child.kill('SIGKILL'));
  await waitFor(() => isListening(port), { timeoutMs: 10_000, what: 'mosquitto to listen' });
  return { url: `mqtt://127.0.0.1:${port}`, stop: () => child.kill('SIGTERM') };
}
