/**
 * The apps the CLI starts, loaded on first use so `outpost --help` stays fast and a verb only
 * loads what it runs.
 */
import type { RunningGateway } from '@outpost/gateway';

/** What `startGateway` returns; the CLI reads `addresses`, `stats()` and `stop()`. */
export type GatewayHandle = RunningGateway;

export async function loadStartGateway(): Promise<typeof import('@outpost/gateway')['startGateway']> {
  return (await import('@outpost/gateway')).startGateway;
}

/** The gateway under a hub's control (`gateway.hub.url` set): registration, heartbeats, pushed config. */
export async function loadStartHubLink(): Promise<typeof import('@outpost/gateway/hub-link/index')['startHubLink']> {
  return (await import('@outpost/gateway/hub-link/index')).startHubLink;
}

export async function loadHub(): Promise<typeof import('@outpost/hub')> {
  return import('@outpost/hub');
}

export async function loadSimulator(): Promise<typeof import('@outpost/simulator')> {
  return import('@outpost/simulator');
}
