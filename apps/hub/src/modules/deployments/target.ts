import { OutpostError } from '@outpost/contract';
import type { Device, HubStore } from '@outpost/storage/hub/index';
import type { TargetT } from './schemas.js';

const OPS = { '<': (c: number) => c < 0, '<=': (c: number) => c <= 0, '>': (c: number) => c > 0, '>=': (c: number) => c >= 0, '==': (c: number) => c === 0, '!=': (c: number) => c !== 0 } as const;

/** Compare dotted versions numerically part by part (2.10.0 > 2.9.1); a pre-release suffix is ignored. */
export function compareVersions(a: string, b: string): number {
  const pa = a.split(/[-+]/)[0]!.split('.').map(Number);
  const pb = b.split(/[-+]/)[0]!.split('.').map(Number);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const d = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (d !== 0) return Math.sign(d);
  }
  return 0;
}

/** `version < 2.2.0` → a predicate on a device's reported gateway version; devices that never reported one do not match. */
export function parseVersionFilter(filter: string): (d: Device) => boolean {
  const m = /^\s*version\s*(<=|>=|==|!=|<|>)\s*(\d+(?:\.\d+)*)\s*$/.exec(filter);
  if (!m) throw new OutpostError('ERR_DEPLOYMENT_INVALID', `target.filter "${filter}" is not understood; expected \`version <op> <x.y.z>\` with <op> one of ${Object.keys(OPS).join(' ')}`);
  const test = OPS[m[1] as keyof typeof OPS];
  const want = m[2]!;
  return (d) => {
    const v = (d.lastHeartbeat?.versions as Record<string, unknown> | undefined)?.gateway;
    return typeof v === 'string' && /^\d/.test(v) && test(compareVersions(v, want));
  };
}

/** The active devices a target names (all given criteria must hold), sorted by id. */
export async function resolveTarget(store: HubStore, orgId: string, t: TargetT): Promise<string[]> {
  if (t.deviceType === undefined && t.group === undefined && t.tag === undefined && t.devices === undefined && t.filter === undefined) {
    throw new OutpostError('ERR_DEPLOYMENT_INVALID', 'target names no devices; give deviceType, group, tag, devices or filter');
  }
  const filter = t.filter !== undefined ? parseVersionFilter(t.filter) : () => true;
  const wanted = t.devices ? new Set(t.devices) : undefined;
  const out: string[] = [];
  for (let offset = 0; ; offset += 1000) {
    const page = await store.fleet.listDevices(orgId, {
      state: 'active', limit: 1000, offset, sort: 'created_at', order: 'asc',
      ...(t.deviceType !== undefined ? { typeId: t.deviceType } : {}), ...(t.group !== undefined ? { group: t.group } : {}), ...(t.tag !== undefined ? { tag: t.tag } : {}),
    });
    for (const d of page.items) if ((!wanted || wanted.has(d.id)) && filter(d)) out.push(d.id);
    if (page.items.length < 1000) break;
  }
  if (wanted) {
    const found = new Set(out);
    const missing = [...wanted].filter((id) => !found.has(id));
    if (missing.length && t.filter === undefined) throw new OutpostError('ERR_DEPLOYMENT_INVALID', `target.devices: ${missing.slice(0, 5).join(', ')}${missing.length > 5 ? ` and ${missing.length - 5} more` : ''} are not active devices of this organisation${t.deviceType || t.group || t.tag ? ' matching the other criteria' : ''}`);
  }
  if (out.length === 0) throw new OutpostError('ERR_DEPLOYMENT_INVALID', `target ${JSON.stringify(t)} matches no active device`);
  return out.sort();
}
