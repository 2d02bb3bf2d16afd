import { cpus, freemem, loadavg, totalmem } from 'node:os';
import { statfsSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { HeartbeatRequest, ModelUsage, SystemMetrics } from '@outpost/contract/api/hub';
import { heartbeatBuffer } from '@outpost/uplink';
import type { GatewayStatus } from '../gateway.js';

export type Health = Omit<HeartbeatRequest, 'config'>;

/** CPU (1-min load per core), memory and disk use as ratios 0…1, as the hub's fleet view shows them. */
export function systemMetrics(dataDir: string): SystemMetrics {
  const m: SystemMetrics = {
    cpu: round(loadavg()[0]! / Math.max(1, cpus().length)),
    memory: round(1 - freemem() / totalmem()),
    memFreeBytes: freemem(),
  };
  try {
    const s = statfsSync(dataDir);
    m.disk = round(1 - s.bavail / s.blocks);
    m.diskFreeBytes = s.bavail * s.bsize;
  } catch { /* the data folder may not exist yet: no disk figure */ }
  return m;
}

/** The onnxruntime-node version installed here (without loading its native library), for model deployment checks. */
function onnxRuntimeVersion(): string | undefined {
  try {
    return (createRequire(import.meta.url)('onnxruntime-node/package.json') as { version?: string }).version;
  } catch { return undefined; }
}

/** Runtime facts the hub checks before it sends a model: CPU architecture, OS and the ONNX runtime. */
export function runtimeVersions(): Record<string, string> {
  const ort = onnxRuntimeVersion();
  return { arch: process.arch, platform: process.platform, ...(ort ? { onnxruntime: ort } : {}) };
}

/**
 * One heartbeat's health from the running gateway: degraded when a source is degraded or failed,
 * the uplink cannot reach the hub, or the gateway is not running (between a failed restart and
 * its rollback). `lastTelemetryAt` is the last beat at which the accepted-points count grew.
 */
export function createHealth(version: string, startedAt: number, now: () => number = Date.now) {
  let lastAccepted = -1;
  let lastTelemetryAt: number | null = null;
  const runtime = runtimeVersions();
  return (status: GatewayStatus | undefined, dataDir: string): Health => {
    const t = now();
    const base: Health = { status: 'degraded', uptimeS: Math.round((t - startedAt) / 1000), versions: { gateway: version, node: process.versions.node, ...runtime }, system: systemMetrics(dataDir) };
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

/**
 * Model usage measured by the pipelines' model nodes since the last heartbeat (drained: a failed
 * heartbeat loses that period's figures, which are monitoring, not data).
 */
export function modelHeartbeat(pipelines: { models: { usage(): ModelUsage[] } } | undefined): { models?: ModelUsage[] } {
  const models = pipelines?.models.usage() ?? [];
  return models.length ? { models } : {};
}

const round = (x: number) => Math.round(x * 1000) / 1000;
