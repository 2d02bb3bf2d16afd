/**
 * The apps the CLI starts, loaded on first use so `outpost --help` stays fast and a verb only
 * loads what it runs.
 */
import type { Logger } from '@outpost/contract';
import type { GatewayConfig } from '@outpost/config';

/** What `startGateway` (apps/gateway) returns; the CLI reads only these fields. */
export interface GatewayHandle {
  stop(): Promise<void>;
  /** URLs of what the gateway serves, e.g. `{ http: 'http://127.0.0.1:8081', mqtt: 'mqtt://127.0.0.1:1883' }`. */
  addresses: { http: string; mqtt?: string; [name: string]: string | undefined };
  /** Counters since start; the dev rate line differentiates them. */
  stats(): GatewayStats;
}

export interface GatewayStats {
  ingest: { accepted: number; rejectedTotal: number };
  store: { usedBytes: number };
}

export interface StartGatewayOptions {
  logger?: Logger;
  /** Dev mode: bind a free port where a configured one is taken. */
  fallbackToFreePorts?: boolean;
}

export type StartGateway = (config: GatewayConfig, opts?: StartGatewayOptions) => Promise<GatewayHandle>;

export async function loadStartGateway(): Promise<StartGateway> {
  // A computed specifier: the gateway app is wired by its own package, the CLI depends only on
  // this signature.
  const specifier = '@outpost/gateway';
  let mod: { startGateway?: unknown };
  try {
    mod = (await import(specifier)) as { startGateway?: unknown };
  } catch (e) {
    throw new Error(`cannot load the gateway (${specifier}): ${(e as Error).message}`, { cause: e });
  }
  if (typeof mod.startGateway !== 'function') throw new Error(`${specifier} does not export startGateway()`);
  return mod.startGateway as StartGateway;
}

export async function loadHub(): Promise<typeof import('@outpost/hub')> {
  return import('@outpost/hub');
}

export async function loadSimulator(): Promise<typeof import('@outpost/simulator')> {
  return import('@outpost/simulator');
}
