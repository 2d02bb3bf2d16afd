import { useGet } from '../../../api/use-api.js';
import type { Device, DeviceType, Items, Page } from '../../../api/types.js';

export interface TargetChoice { kind: 'device' | 'device_type'; id: string }

/** A device or a device type of the organisation, chosen from the hub's lists. */
export function TargetPicker({ value, onChange }: { value: TargetChoice; onChange(v: TargetChoice): void }) {
  const devices = useGet<Page<Device>>('/v1/devices', { limit: 200 });
  const types = useGet<Items<DeviceType>>('/v1/device-types');
  const options = value.kind === 'device'
    ? (devices.data?.items ?? []).map((d) => ({ id: d.id, label: `${d.name} (${d.id})` }))
    : (types.data?.items ?? []).map((t) => ({ id: t.id, label: t.name }));
  return (
    <>
      <label>target<select aria-label="Target kind" value={value.kind} onChange={(e) => onChange({ kind: e.target.value as TargetChoice['kind'], id: '' })}>
        <option value="device">device</option><option value="device_type">device type</option></select></label>
      <label>{value.kind === 'device' ? 'device' : 'device type'}<select aria-label="Target" value={value.id} onChange={(e) => onChange({ ...value, id: e.target.value })} required>
        <option value="">choose…</option>{options.map((o) => <option key={o.id} value={o.id}>{o.label}</option>)}</select></label>
    </>
  );
}
