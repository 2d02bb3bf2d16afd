import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export interface Proc { info: Record<string, unknown>; child: ChildProcess; exited: Promise<number | null>; kill(signal?: NodeJS.Signals): Promise<void> }

/** Start `entry` (a .ts file next to this one) as a real Node process and wait for its READY line. */
export async function startProc(entry: 'gateway-proc.ts' | 'hub-proc.ts' | 'hub-ingest-proc.ts', config: unknown, timeoutMs = 60_000): Promise<Proc> {
  const file = fileURLToPath(new URL(`./${entry}`, import.meta.url));
  const child = spawn(process.execPath, ['--import', 'tsx', file], {
    env: { ...process.env, OUTPOST_TEST_CONFIG: JSON.stringify(config) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => { stderr = (stderr + d.toString()).slice(-4000); });
  const info = await new Promise<Record<string, unknown>>((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => { child.kill('SIGKILL'); reject(new Error(`${entry} not ready after ${timeoutMs} ms: ${stderr}`)); }, timeoutMs);
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /READY (\{.*\})\n/.exec(out);
      if (m) { clearTimeout(timer); resolve(JSON.parse(m[1]!) as Record<string, unknown>); }
    });
    void exited.then((code) => { clearTimeout(timer); reject(new Error(`${entry} exited with ${code} before READY: ${stderr}`)); });
  });
  child.stdout!.resume();
  return {
    info, child, exited,
    async kill(signal: NodeJS.Signals = 'SIGKILL') {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill(signal);
      await exited;
    },
  };
}
