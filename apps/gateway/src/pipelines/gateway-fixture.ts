import { loadConfig, type OutpostConfigInput } from '@outpost/config';
import { tempDir } from '@outpost/testing';
import { startGateway, type RunningGateway } from '../gateway.js';

/** Test helpers shared by the rollup and pipeline tests: a real gateway on temp dirs and port 0. */
export type GatewayOverrides = NonNullable<OutpostConfigInput['gateway']>;

export const T0 = Date.UTC(2026, 10, 22, 12, 0, 0); // aligned to 15 min
export const MIN = 60_000;

export interface TestGateway {
  gw: RunningGateway;
  url: string;
  clock: { t: number };
  call(method: string, path: string, body?: unknown): Promise<{ status: number; json: any }>;
  post(points: unknown[]): Promise<void>;
}

export function testDir(t: { after: (fn: () => unknown) => void }): string {
  const { dir, cleanup } = tempDir('outpost-gw-proc-');
  t.after(cleanup);
  return dir;
}

/**
 * A gateway on `dir` with a controllable clock; device clock-skew correction is off so points
 * keep the timestamps a test gives them.
 */
export async function startTestGateway(t: { after: (fn: () => unknown) => void }, dir: string, gateway: GatewayOverrides = {}, clock = { t: T0 }): Promise<TestGateway> {
  const cfg = loadConfig({ overrides: { gateway: {
    dataDir: dir, ...gateway,
    mqtt: { port: 0, ...gateway.mqtt }, http: { port: 0, ...gateway.http },
    ingest: { clockSkew: { correct: false }, ...gateway.ingest },
  } } });
  const gw = await startGateway(cfg.gateway, { now: () => clock.t });
  let stopped = false;
  const stop = gw.stop;
  gw.stop = async () => { if (!stopped) { stopped = true; await stop(); } };
  t.after(() => gw.stop());
  const url = gw.addresses.http;
  const call = async (method: string, path: string, body?: unknown) => {
    const res = await fetch(`${url}${path}`, {
      method, ...(body !== undefined ? { body: JSON.stringify(body), headers: { 'content-type': 'application/json' } } : {}),
    });
    const text = await res.text();
    return { status: res.status, json: text ? JSON.parse(text) : undefined };
  };
  return {
    gw, url, clock, call,
    async post(points) {
      const r = await call('POST', '/v1/points', points);
      if (r.status !== 200 || r.json.rejected.length > 0) throw new Error(`ingest failed: ${r.status} ${JSON.stringify(r.json)}`);
    },
  };
}
