import { randomUUID } from 'node:crypto';
import { OutpostError } from '@outpost/contract';
import type { Actor, HubStore } from '@outpost/storage/hub/index';

/**
 * Assigns a model version to devices or a device type through the hub's assignments (one per
 * target and model name; deploying another version re-points it, which is also the rollback).
 * Gateways receive their assignments in the heartbeat; a pipeline's `model` node names the model
 * and DetectorModelRunner resolves the assigned version's artifact
 * (GET /v1/models/:name/versions/:version).
 */
export async function deployModel(store: HubStore, actor: Actor, m: { name: string; version: number }, to: { devices?: string[]; deviceType?: string }, at: number) {
  if ((to.devices === undefined) === (to.deviceType === undefined)) throw new OutpostError('ERR_HUB_INVALID', 'give exactly one of devices (device ids) or deviceType (a device type id)');
  const targets = to.devices ? [...new Set(to.devices)].map((id) => ({ kind: 'device' as const, id })) : [{ kind: 'device_type' as const, id: to.deviceType! }];
  // Check every target first so a bad id in the list assigns nothing.
  for (const t of targets) {
    const found = t.kind === 'device' ? await store.fleet.getDevice(actor.orgId, t.id) : await store.fleet.getDeviceType(actor.orgId, t.id);
    if (!found) throw new OutpostError('ERR_HUB_NOT_FOUND', `${t.kind === 'device' ? 'device' : 'device type'} ${t.id} not found`);
  }
  const out: Array<{ assignmentId: string; targetKind: string; targetId: string }> = [];
  for (const t of targets) {
    const a = await store.assignments.assign(actor, { id: randomUUID(), targetKind: t.kind, targetId: t.id, artifactKind: 'model', name: m.name, version: String(m.version) }, at);
    out.push({ assignmentId: a.id, targetKind: t.kind, targetId: t.id });
  }
  return { model: m, assignments: out };
}
