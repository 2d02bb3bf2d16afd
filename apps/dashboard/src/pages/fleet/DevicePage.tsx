import { Route, Routes, useParams } from 'react-router';
import { useGet } from '../../api/use-api.js';
import type { Device } from '../../api/types.js';
import { Resource } from '../../components/states.js';
import { StatusBadge } from '../../components/StatusBadge.js';
import { Tabs } from '../../components/Tabs.js';
import { DEVICE_TABS } from './device-tabs.js';
import { useLive } from '../../app/live.js';

/** One device: header with its status, then the tabs of DEVICE_TABS. */
export function DevicePage() {
  const { id = '' } = useParams();
  const device = useGet<Device>(`/v1/devices/${encodeURIComponent(id)}`);
  // Status of this device changed (online, offline, degraded): show it without a reload.
  useLive('devices', (d) => { if ((d as { changed: Array<{ id: string }> }).changed.some((c) => c.id === id)) device.reload(); });
  const base = `/fleet/devices/${encodeURIComponent(id)}`;
  return (
    <Resource res={device} what="device">
      {(d) => (
        <section>
          <h1>{d.name} <StatusBadge status={d.status} /></h1>
          <p className="muted">{d.hardwareId} · id {d.id}</p>
          <Tabs base={base} tabs={DEVICE_TABS} />
          <Routes>
            {DEVICE_TABS.map((t) => <Route key={t.path} path={t.path || '/'} element={<t.Tab device={d} reload={device.reload} />} />)}
          </Routes>
        </section>
      )}
    </Resource>
  );
}
