import type { Point } from '@outpost/contract';
import type { HubStore } from '@outpost/storage/hub/index';

/** How long a device's type name is trusted before it is read again (a device can change type). */
const TTL_MS = 60_000;

/**
 * Device type names for input nodes that match by type: the engine asks synchronously, so the
 * runner loads the devices of each batch (once per minute per device) before processing it.
 * Points whose device is not a hub device (an uplinked gateway's local device) have no type here.
 */
export class DeviceTypeCache {
  private readonly byOrg = new Map<string, Map<string, { type: string | undefined; at: number }>>();

  constructor(private readonly store: HubStore, private readonly now: () => number) {}

  get(orgId: string, device: string): string | undefined {
    return this.byOrg.get(orgId)?.get(device)?.type;
  }

  async load(orgId: string, points: readonly Point[]): Promise<void> {
    let m = this.byOrg.get(orgId);
    if (!m) this.byOrg.set(orgId, (m = new Map()));
    const now = this.now();
    const stale = new Set<string>();
    for (const p of points) {
      const e = m.get(p.device);
      if (!e || now - e.at >= TTL_MS) stale.add(p.device);
    }
    for (const device of stale) {
      const d = await this.store.fleet.getDevice(orgId, device);
      const t = d?.typeId ? await this.store.fleet.getDeviceType(orgId, d.typeId) : undefined;
      m.set(device, { type: t?.name, at: now });
    }
  }
}
