import { cpus, freemem, loadavg, totalmem } from 'node:os';
import { statfsSync } from 'node:fs';
import type { HeartbeatRequest, SystemMetrics } from '@outpost/contract/api/hub';
import { heartbeatBuffer } from '@outpost/uplink';
import type { GatewayStatus } from '../gateway.js';

export type Health = Omit<HeartbeatRequest, 'config'>;

/** CPU (1-min load per core), memory and disk use as ratios 0…1, as the hub's fleet view shows them. */
export function systemMetrics(dataDir: string): SystemMetrics {
  const m: SystemMetrics = {
    cpu: round(loadavg()[0]! / Math.max(1, cpus().length)),
    memory: round(1 - freemem() / totalmem()),
  };
  try {
    const s = statfsSync(dataDir);
    m.disk = round(1 - s.bavail / s.blocks);
  } catch { /* the data folder may not exist yet: no disk figure */ }
  return m;
}

/**
 * One heartbeat's health from the running gateway: degraded when a source is degraded or failed,
 * the uplink cannot reach the hub, or the gateway is not running (between a failed restart and
 * its rollback). `lastTelemetryAt` is the last beat at which the accepted-points count grew.
 */
export function createHealth(version: string, startedAt: number, now: () => number = Date.now) {
  let lastAccepted = -1;
  let lastTelemetryAt: number | null = null;
  return (status: GatewayStatus | undefined, dataDir: string): Health => {
    const t = now();
    const base: Health = { status: 'degraded', uptimeS: Math.round((t - startedAt) / 1000), versions: { gateway: version, node: process.versions.node }, system: systemMetrics(dataDir) };
    if (!status) return { ...base, services: { gateway: 'stopped' }, lastTelemetryAt };
    if (status.ingest.accepted > lastAccepted) {
      if (lastAccepted >= 0) lastTelemetryAt = t;
      lastAccepted = status.ingest.accepted;
    }
    const services: Record<string, string> = { gateway: 'running' };
    for (const [name, s] of Object.entries(status.sources)) services[name] = s.state;
    if (status.uplink) services.uplink = status.uplink.link.state;
    const sourcesOk = Object.values(status.sources).every((s) => s.state !== 'degraded' && s.state !== 'failed');
    const uplinkOk = !status.uplink || status.uplink.link.state !== 'down';
    return {
      ...base,
      status: sourcesOk && uplinkOk ? 'online' : 'degraded',
      services,
      lastTelemetryAt,
      ...(status.uplink ? { buffer: heartbeatBuffer(status.uplink) } : {}),
    };
  };
}

const round = (x: number) => Math.round(x * 1000) / 1000;
