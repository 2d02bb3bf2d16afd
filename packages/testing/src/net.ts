import { createServer, Socket } from 'node:net';
import type { TestContext } from 'node:test';

/** A port that was free a moment ago (bind port 0 and release). Prefer binding 0 directly where the code allows. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

/** True when something accepts TCP connections on 127.0.0.1:port within timeoutMs. */
export async function isListening(port: number, host = '127.0.0.1', timeoutMs = 500): Promise<boolean> {
  return new Promise((resolve) => {
    const s = new Socket();
    const done = (ok: boolean) => { s.destroy(); resolve(ok); };
    s.setTimeout(timeoutMs, () => done(false));
    s.once('error', () => done(false));
    s.connect(port, host, () => done(true));
  });
}

/**
 * For tests that use a real service on this machine (Mosquitto, PostgreSQL, …): returns true when
 * it is reachable. Outside CI an absent service skips the test with the reason printed; under
 * CI=true it fails the test instead, because CI must exercise every adapter.
 */
export async function requireService(t: TestContext, name: string, port: number, host = '127.0.0.1'): Promise<boolean> {
  if (await isListening(port, host)) return true;
  const reason = `${name} is not reachable on ${host}:${port}`;
  if (process.env.CI === 'true') throw new Error(`${reason} (required under CI=true)`);
  console.log(`# skipping: ${reason}`);
  t.skip(reason);
  return false;
}
