import type { ArtifactRef, DesiredArtifact } from '@outpost/contract/artifacts';
import type { DeviceDesired, HubStore } from '@outpost/storage/hub/index';

/**
 * The artifacts a device should run (from its deployments), with hash and signature so the
 * gateway can download and verify without another request. Artifact versions are immutable, so
 * their refs are cached for good.
 */
export class DesiredArtifacts {
  private readonly refs = new Map<string, ArtifactRef>();
  constructor(private readonly store: HubStore, private readonly max = 10_000) {}

  async forDevice(orgId: string, deviceId: string): Promise<DesiredArtifact[]> {
    return this.resolve(orgId, await this.store.rollouts.desiredFor(orgId, deviceId));
  }

  /** Refs for what `rollouts.desiredFor` (or the bulk `desired.forDevices`) said a device should run. */
  async resolve(orgId: string, desired: readonly DeviceDesired[]): Promise<DesiredArtifact[]> {
    const out: DesiredArtifact[] = [];
    for (const d of desired) {
      out.push({ deploymentId: d.rolloutId, kind: d.kind, name: d.name, rollback: d.rollback, healthS: d.healthS, artifact: d.version === null ? null : await this.ref(orgId, d.kind, d.name, d.version) });
    }
    return out;
  }

  private async ref(orgId: string, kind: string, name: string, version: string): Promise<ArtifactRef> {
    const key = `${orgId}/${kind}/${name}/${version}`;
    const hit = this.refs.get(key);
    if (hit) return hit;
    const a = await this.store.artifacts.get(orgId, kind, name, version);
    const ref: ArtifactRef = { kind: a.kind, name: a.name, version: a.version, sha256: a.sha256, size: a.size, signature: a.signature, keyId: a.keyId };
    if (this.refs.size >= this.max) this.refs.clear();
    this.refs.set(key, ref);
    return ref;
  }
}
