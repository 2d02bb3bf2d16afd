import { useState } from 'react';
import { Link } from 'react-router';
import { useGet } from '../../api/use-api.js';
import type { Device, DeviceType, Items, Page } from '../../api/types.js';
import { Resource } from '../../components/states.js';
import { Pager } from '../../components/Pager.js';
import { StatusBadge } from '../../components/StatusBadge.js';
import { ago, bytes } from '../../components/format.js';
import { RegistrationTokens } from './RegistrationTokens.js';
import { useLive } from '../../app/live.js';

const PAGE = 25;

/** Buffer status in one cell: pending bytes of capacity, and the oldest pending age. */
export function bufferSummary(d: Device): string {
  const b = d.lastHeartbeat?.buffer;
  if (!b) return '—';
  const oldest = typeof b.oldestPendingMs === 'number' ? `, oldest ${Math.round(b.oldestPendingMs / 1000)} s` : '';
  return `${bytes(b.pendingBytes)} / ${bytes(b.capacityBytes)}${oldest}`;
}

/** The device list: status, type, tags, last seen, version, buffer; filters, search and pages. */
export function FleetPage() {
  const [status, setStatus] = useState('');
  const [type, setType] = useState('');
  const [tag, setTag] = useState('');
  const [q, setQ] = useState('');
  const [offset, setOffset] = useState(0);
  const types = useGet<Items<DeviceType>>('/v1/device-types');
  const devices = useGet<Page<Device>>('/v1/devices', { status, type, tag, q, limit: PAGE, offset, sort: 'name' });
  const live = useLive('devices', devices.reload);
  const typeName = (id: string | null) => (id ? types.data?.items.find((t) => t.id === id)?.name ?? id : '—');
  const filter = (f: (v: string) => void) => (v: string) => { f(v); setOffset(0); };

  return (
    <section>
      <h1>Fleet {live && <span className="live" title="Status updates arrive as they happen">● live</span>}</h1>
      <div className="toolbar" role="search">
        <input aria-label="Search devices" placeholder="Search name or hardware id" value={q} onChange={(e) => filter(setQ)(e.target.value)} />
        <select aria-label="Status" value={status} onChange={(e) => filter(setStatus)(e.target.value)}>
          <option value="">Any status</option>
          {['online', 'degraded', 'offline', 'decommissioned'].map((s) => <option key={s}>{s}</option>)}
        </select>
        <select aria-label="Type" value={type} onChange={(e) => filter(setType)(e.target.value)}>
          <option value="">Any type</option>
          {(types.data?.items ?? []).map((t) => <option key={t.id} value={t.id}>{t.name}</option>)}
        </select>
        <input aria-label="Tag" placeholder="Tag" value={tag} onChange={(e) => filter(setTag)(e.target.value)} />
      </div>
      <Resource res={devices} what="devices" empty={(d) => d.total === 0 && (status || type || tag || q ? 'No device matches these filters.' : 'No devices yet. Create a registration token below and start a gateway with it.')}>
        {(d) => (
          <>
            <table className="grid" aria-label="Devices">
              <thead><tr><th>Name</th><th>Status</th><th>Type</th><th>Tags</th><th>Last seen</th><th>Version</th><th>Buffer</th></tr></thead>
              <tbody>
                {d.items.map((dev) => (
                  <tr key={dev.id} data-device={dev.id}>
                    <td><Link to={`/fleet/devices/${dev.id}`}>{dev.name}</Link><div className="muted small">{dev.hardwareId}</div></td>
                    <td><StatusBadge status={dev.status} /></td>
                    <td>{typeName(dev.typeId)}</td>
                    <td>{dev.tags.map((t) => <span key={t} className="tag">{t}</span>)}</td>
                    <td title={dev.lastSeenAt ? new Date(dev.lastSeenAt).toISOString() : ''}>{ago(dev.lastSeenAt)}</td>
                    <td>{dev.lastHeartbeat?.versions?.gateway ?? '—'}</td>
                    <td>{bufferSummary(dev)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
            <Pager total={d.total} limit={d.limit} offset={d.offset} onOffset={setOffset} />
          </>
        )}
      </Resource>
      <RegistrationTokens />
    </section>
  );
}
