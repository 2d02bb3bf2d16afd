import { tempDir } from '@outpost/testing';
import type { UplinkOptions } from '../uplink.js';

export const TOKEN = 'e2e-gateway-token-0123456789';
export const GATEWAY_ID = 'gw-e2e';

/** Gateway config overrides for the tests: short backoff and timeouts so faults resolve in well under a second. */
export function gatewayConfig(dbPath: string, hubUrl: string, uplink: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    id: GATEWAY_ID,
    store: { path: dbPath, groupCommitMaxDelayMs: 2 },
    mqtt: { mode: 'off' },
    http: { port: 0 },
    log: { level: 'silent' },
    uplink: {
      enabled: true, url: hubUrl, token: TOKEN,
      backoffMinMs: 50, backoffMaxMs: 300, requestTimeoutMs: 1500, lingerMs: 10, probeIntervalMs: 1000,
      batchMinPoints: 50, batchMaxPoints: 2000,
      ...uplink,
    },
  };
}

/** What gateway-proc.ts takes: its database and the uplink options, as startGateway would derive them from gatewayConfig(). */
export interface GatewayProcOptions { dbPath: string; uplink: Omit<UplinkOptions, 'store' | 'logger' | 'now' | 'random'> }

export function gatewayProcOptions(dbPath: string, hubUrl: string): GatewayProcOptions {
  return {
    dbPath,
    uplink: {
      gateway: GATEWAY_ID, url: hubUrl, token: TOKEN,
      backoff: { minMs: 50, maxMs: 300 }, requestTimeoutMs: 1500, probeIntervalMs: 1000,
      batch: { minPoints: 50, maxPoints: 2000, lingerMs: 10 },
    },
  };
}

export function hubConfig(dataDir: string, port = 0): Record<string, unknown> {
  return {
    port, dataDir, log: { level: 'silent' },
    auth: { rateLimitPerMinute: 1_000_000 },
    uplink: { gateways: { [GATEWAY_ID]: TOKEN } },
  };
}

export function dirs(t: { after(fn: () => void): void }): { dir: string } {
  const d = tempDir('outpost-uplink-e2e-');
  t.after(d.cleanup);
  return { dir: d.dir };
}
