import type { DeviceTabProps } from './device-tabs.js';
import { ago, bytes, dateTime, pct } from '../../components/format.js';
import { Empty } from '../../components/states.js';

type ClassStatus = { points?: number; bytes?: number; oldestAgeMs?: number | null };

/** Health from the last heartbeat; uplink buffer per priority class, oldest age, drops. */
export function OverviewTab({ device: d }: DeviceTabProps) {
  const hb = d.lastHeartbeat;
  if (!hb) return <Empty>This device has not sent a heartbeat yet.</Empty>;
  const b = hb.buffer as Record<string, unknown> | undefined;
  const classes = (b?.pendingByClass ?? {}) as Record<string, ClassStatus>;
  return (
    <div className="cards">
      <dl className="card" aria-label="Health">
        <dt>Last seen</dt><dd>{ago(d.lastSeenAt)} ({dateTime(d.lastSeenAt)})</dd>
        <dt>Uptime</dt><dd>{typeof hb.uptimeS === 'number' ? `${Math.round(hb.uptimeS / 60)} min` : '—'}</dd>
        <dt>Versions</dt><dd>{Object.entries(hb.versions ?? {}).map(([k, v]) => `${k} ${v}`).join(', ') || '—'}</dd>
        <dt>CPU load per core</dt><dd>{pct(hb.system?.cpu)}</dd>
        <dt>Memory</dt><dd>{pct(hb.system?.memory)}</dd>
        <dt>Disk</dt><dd>{pct(hb.system?.disk)}</dd>
        <dt>Services</dt><dd>{Object.entries(hb.services ?? {}).map(([k, v]) => `${k}: ${v}`).join(', ') || '—'}</dd>
        <dt>Config</dt><dd>applied {d.appliedConfig ?? 'local'}, desired {d.desiredConfig ?? '—'}{d.configError && <div className="error">{d.configError}</div>}</dd>
      </dl>
      <div className="card" aria-label="Buffer">
        <h3>Uplink buffer</h3>
        {b ? (
          <>
            <p>{bytes(b.pendingBytes)} pending of {bytes(b.capacityBytes)} · link {String(b.link ?? '—')} · dropped {String(b.droppedPoints ?? 0)} points
              {typeof b.oldestPendingMs === 'number' && ` · oldest ${Math.round(b.oldestPendingMs / 1000)} s`}</p>
            <table className="grid"><thead><tr><th>Priority class</th><th>Points</th><th>Bytes</th><th>Oldest</th></tr></thead>
              <tbody>{Object.entries(classes).map(([k, c]) => (
                <tr key={k}><td>{k}</td><td>{c.points ?? 0}</td><td>{bytes(c.bytes)}</td><td>{typeof c.oldestAgeMs === 'number' ? `${Math.round(c.oldestAgeMs / 1000)} s` : '—'}</td></tr>
              ))}</tbody>
            </table>
          </>
        ) : <Empty>No uplink on this gateway.</Empty>}
      </div>
    </div>
  );
}
