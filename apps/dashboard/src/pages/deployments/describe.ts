import type { Deployment, DeviceDeployState } from './types.js';

/** `device type 3f…, tag line-2` from a deployment's target criteria (all must hold). */
export function describeTarget(t: Record<string, unknown>): string {
  const parts: string[] = [];
  if (typeof t.deviceType === 'string') parts.push(`device type ${t.deviceType}`);
  if (typeof t.group === 'string') parts.push(`group ${t.group}`);
  if (typeof t.tag === 'string') parts.push(`tag ${t.tag}`);
  if (Array.isArray(t.devices)) parts.push(t.devices.length === 1 ? `device ${String(t.devices[0])}` : `${t.devices.length} devices`);
  if (typeof t.filter === 'string') parts.push(t.filter);
  return parts.join(', ') || 'all devices';
}

/** `canary 10 %, soak 600 s` and the like. */
export function describeStrategy(s: Deployment['strategy']): string {
  const n = (k: string, unit = '') => (typeof s[k] === 'number' ? `${String(s[k])}${unit}` : undefined);
  switch (s.kind) {
    case 'canary': return `canary ${n('percent', ' %') ?? n('count') ?? ''}${n('soakS') ? `, soak ${n('soakS')} s` : ''}`;
    case 'rolling': return `rolling ${n('batchPercent', ' %') ?? n('batchSize') ?? ''} per batch${n('waitS') ? `, wait ${n('waitS')} s` : ''}`;
    case 'ab': return `A/B ${n('percent', ' %') ?? '50 %'} on A`;
    default: return 'immediate';
  }
}

/** Badge colour of a state, from the palette the fleet and alerts pages use. */
export function stateClass(state: string): string {
  if (state === 'active' || state === 'completed') return 'status-online';
  if (state === 'failed' || state === 'rolled_back') return 'status-offline';
  if (state === 'skipped' || state === 'cancelled') return 'status-decommissioned';
  return 'status-degraded';
}

/** Non-zero device counts per state, in the lifecycle's order. */
export function countsOf(p: Deployment['progress'], order: readonly DeviceDeployState[]): Array<[DeviceDeployState, number]> {
  return order.flatMap((s) => (p[s] ? [[s, p[s]] as [DeviceDeployState, number]] : []));
}
