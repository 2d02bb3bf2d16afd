/** The hub's deployments (GET /v1/deployments, /v1/deployments/:id, …/devices; docs/rollouts.md). */
export type DeploymentState = 'created' | 'running' | 'paused' | 'completed' | 'cancelled' | 'rolled_back';
export type DeviceDeployState = 'pending' | 'downloading' | 'installing' | 'verifying' | 'active' | 'failed' | 'rolled_back' | 'skipped';
export const DEVICE_STATES: readonly DeviceDeployState[] = ['pending', 'downloading', 'installing', 'verifying', 'active', 'failed', 'rolled_back', 'skipped'];

export interface Deployment {
  id: string; name: string; artifactKind: string; artifactName: string; version: string; versionB: string | null;
  target: Record<string, unknown>; strategy: { kind?: string; [k: string]: unknown }; gates: Record<string, unknown>; onGate: 'rollback' | 'pause';
  state: DeploymentState; reason: string | null; batch: number;
  createdBy: string; createdAt: number; startedAt: number | null; updatedAt: number; finishedAt: number | null;
  progress: { devices: number; released: number; settled: number } & Partial<Record<DeviceDeployState, number>>;
  failures: Array<{ reason: string; count: number; devices: string[] }>;
}

export interface DeploymentDevice {
  deviceId: string; batch: number; arm: 'a' | 'b' | null; version: string; previousVersion: string | null;
  state: DeviceDeployState; error: string | null; metrics: { errorRate?: number; latencyMs?: number } | null;
  releasedAt: number | null; stateAt: number;
}

export type DeploymentAction = 'start' | 'pause' | 'resume' | 'cancel' | 'rollback';
/** Which action the hub accepts in which state (apps/hub/src/modules/deployments/controller.ts); others answer 409. */
export const ACTIONS: Record<DeploymentAction, readonly DeploymentState[]> = {
  start: ['created'], pause: ['running'], resume: ['paused'], cancel: ['created', 'running', 'paused'], rollback: ['running', 'paused', 'completed', 'cancelled'],
};
/** Still moving: lists refresh themselves while one of these is shown. */
export const UNFINISHED: readonly DeploymentState[] = ['created', 'running', 'paused'];
