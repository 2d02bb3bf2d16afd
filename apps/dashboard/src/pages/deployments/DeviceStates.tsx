import './deployments.css';
import { useEffect } from 'react';
import { useGet } from '../../api/use-api.js';
import type { Device, Items, Page } from '../../api/types.js';
import { Resource } from '../../components/states.js';
import { ago, dateTime } from '../../components/format.js';
import { stateClass } from './describe.js';
import type { DeploymentDevice } from './types.js';

/** Device names by id for the organisation's first 500 devices (ids are shown where a name is missing). */
export function useDeviceNames(): Map<string, string> {
  const devices = useGet<Page<Device>>('/v1/devices', { limit: 500 });
  return new Map((devices.data?.items ?? []).map((d) => [d.id, d.name]));
}

/**
 * Per-device state of one deployment: device, version, state, since when, and the reason of a
 * failure; `state` narrows to one device state. A new `round` re-reads it (the table stays while it does).
 */
export function DeviceStates({ deploymentId, state = '', round = 0, label }: { deploymentId: string; state?: string; round?: number; label: string }) {
  const devices = useGet<Items<DeploymentDevice>>(`/v1/deployments/${encodeURIComponent(deploymentId)}/devices`, state ? { state } : undefined);
  const { reload } = devices;
  useEffect(() => { if (round > 0) reload(); }, [round, reload]);
  const names = useDeviceNames();
  return (
    <Resource res={devices} what="device states" empty={(d) => d.items.length === 0 && (state ? `No device is ${state}.` : 'No device matched the target.')}>
      {(d) => (
        <table className="grid" aria-label={label}>
          <thead><tr><th>device</th><th>version</th><th>batch</th><th>state</th><th>since</th><th>reason</th></tr></thead>
          <tbody>{d.items.map((x) => (
            <tr key={x.deviceId} data-device={x.deviceId}>
              <td>{names.get(x.deviceId) ?? ''} <code>{x.deviceId}</code></td>
              <td>v{x.version}{x.arm && <span className="muted small"> arm {x.arm.toUpperCase()}</span>}{x.previousVersion && <span className="muted small"> (was v{x.previousVersion})</span>}</td>
              <td>{x.batch}</td>
              <td><span className={`badge ${stateClass(x.state)}`}>{x.state}</span></td>
              <td title={dateTime(x.stateAt)}>{ago(x.stateAt)}</td>
              <td>{x.error ? <span className="fail-reason">{x.error}</span> : <span className="muted">—</span>}</td>
            </tr>
          ))}</tbody>
        </table>
      )}
    </Resource>
  );
}
