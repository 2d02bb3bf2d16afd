/**
 * Shapes of the hub's HTTP API shared by the hub, the gateway's hub client and the dashboard.
 * Types only: the hub's route JSON Schemas (apps/hub) are the validated source of truth.
 */
import type { DeploymentReport, DesiredArtifact } from '../artifacts.js';

/** Every hub error body: `{ error: { code, message } }` with a code from the error catalogue. */
export interface ApiErrorBody { error: { code: string; message: string; details?: Record<string, unknown> } }

export interface RegisterRequest { token: string; hardwareId: string; name?: string }
export interface DeviceTokenGrant { token: string; expiresAt: number }
export interface RegisterResponse {
  deviceId: string; orgId: string;
  /** Long-lived secret, shown once: exchange it for a token at POST /v1/device-token. */
  credential: string;
  deviceToken: DeviceTokenGrant;
  heartbeatIntervalS: number;
}

export type DeviceHealth = 'online' | 'degraded' | 'offline';

export interface SystemMetrics {
  cpu?: number; memory?: number; disk?: number; temperature?: number; netRxBytes?: number; netTxBytes?: number;
  /** Free bytes on the data folder's file system and of memory (model deployment compatibility checks). */
  diskFreeBytes?: number; memFreeBytes?: number;
}
export interface BufferStatus { pendingBatches?: number; pendingBytes?: number; oldestPendingMs?: number | null; [k: string]: unknown }
/** `service`: the gateway part that logged the line (ingest, uplink, pipelines, alerts, artifacts, …); absent from older gateways. */
export interface DeviceLogLine { at: number; level: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace'; msg: string; service?: string }

export interface HeartbeatRequest {
  status: 'online' | 'degraded';
  uptimeS?: number;
  versions?: Record<string, string>;
  services?: Record<string, string>;
  system?: SystemMetrics;
  buffer?: BufferStatus;
  lastTelemetryAt?: number | null;
  /** The config version the gateway runs, and the error of the last failed apply (rolled back). */
  config?: { applied: string | null; error?: string | null };
  logs?: DeviceLogLine[];
  /** Progress of assigned versions: deployed (verified, installed), active (running) or failed (with the reason). */
  deployments?: Array<{ assignmentId: string; status: 'deployed' | 'active' | 'failed'; reason?: string | null }>;
  /** Progress per deployment of the artifacts the hub asked for (see DesiredArtifact). */
  artifacts?: DeploymentReport[];
  /** Model usage measured by pipeline `model` nodes since the last heartbeat (docs/models.md). */
  models?: ModelUsage[];
  /** Processor usage per version, counted since `since` (docs/sandbox.md). */
  processors?: ProcessorUsageReport[];
}

/** One processor version's counters on a gateway since `since` (when its processor registry started). */
export interface ProcessorUsageReport { name: string; version: string; since: number; invocations: number; errors: number; avgMs: number; p95Ms: number }

/**
 * One model version's usage on a gateway over a period: inputs scored, failed calls, latency
 * histogram (log buckets, see @outpost/ml LatencyHistogram) and input drift against the
 * version's reference distribution, computed on the gateway.
 */
export interface ModelUsage {
  model: string; version: string; count: number; errors: number;
  latency: Record<string, number>;
  drift: { psi: number; kl: number; samples: number } | null;
  from: number; to: number;
}

export interface AssignedVersion { id: string; artifactKind: 'pipeline' | 'rule' | 'processor' | 'model'; name: string; version: string }

export interface HeartbeatResponse {
  deviceId: string;
  heartbeatIntervalS: number;
  /** A fresh token when the presented one is past half its life. */
  deviceToken?: DeviceTokenGrant;
  /** What to converge to. `body` only when `version` differs from what the gateway reported. */
  config: { version: string | null; body?: Record<string, unknown> };
  /** Pipeline, rule, processor (later model) versions to run; the device's own override its type's. */
  assignments: AssignedVersion[];
  /** Artifacts to run, one per artifact name, from the device's deployments (hash and hub signature included). */
  artifacts: DesiredArtifact[];
  /** The device type's expected metrics (units, ranges), for the gateway's validation; empty without a type. */
  expectedMetrics: Array<{ name: string; unit?: string; min?: number; max?: number }>;
}
