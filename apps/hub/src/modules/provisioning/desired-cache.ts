import type { Assignment, EffectiveConfig, ExpectedMetric, HubStore } from '@outpost/storage/hub/index';
import type { DesiredArtifact } from '@outpost/contract/artifacts';
import { DesiredArtifacts } from '../deployments/desired.js';

export interface DesiredState { config: EffectiveConfig | undefined; assignments: Array<Pick<Assignment, 'id' | 'artifactKind' | 'name' | 'version'>>; artifacts: DesiredArtifact[]; expectedMetrics: ExpectedMetric[] }

/** How long a device's desired config may be reused when another hub process changed it. */
const TTL_MS = 5_000;

/**
 * The heartbeat's answer (desired config and assignments) per device, cached because it costs several queries and
 * changes rarely. Config changes made through this process invalidate at once (the store's
 * generation counter); changes by another hub process are seen within TTL_MS.
 */
export class DesiredConfigCache {
  private readonly entries = new Map<string, { gen: number; until: number; value: DesiredState }>();
  private readonly artifacts: DesiredArtifacts;

  constructor(private readonly store: HubStore, private readonly now: () => number, private readonly max = 100_000) {
    this.artifacts = new DesiredArtifacts(store);
  }

  async get(orgId: string, deviceId: string): Promise<DesiredState> {
    const gen = this.store.configs.generation;
    const now = this.now();
    const e = this.entries.get(deviceId);
    if (e && e.gen === gen && e.until > now) return e.value;
    const value: DesiredState = {
      config: await this.store.configs.effective(orgId, deviceId),
      assignments: (await this.store.assignments.forDevice(orgId, deviceId)).map(({ id, artifactKind, name, version }) => ({ id, artifactKind, name, version })),
      artifacts: await this.artifacts.forDevice(orgId, deviceId),
      expectedMetrics: await this.expectedMetrics(orgId, deviceId),
    };
    if (this.entries.size >= this.max) this.entries.clear();
    this.entries.set(deviceId, { gen, until: now + TTL_MS, value });
    return value;
  }

  private async expectedMetrics(orgId: string, deviceId: string): Promise<ExpectedMetric[]> {
    const d = await this.store.fleet.getDevice(orgId, deviceId);
    const t = d?.typeId ? await this.store.fleet.getDeviceType(orgId, d.typeId) : undefined;
    return t?.metrics ?? [];
  }
}
