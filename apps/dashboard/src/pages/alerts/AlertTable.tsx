import { useAction } from '../../api/use-api.js';
import type { HubAlert } from '../../api/types.js';
import { useSession } from '../../app/session.js';
import { ErrorNotice } from '../../components/states.js';
import { dateTime } from '../../components/format.js';

/** Alerts with their state; admins/writers acknowledge or clear the open ones. */
export function AlertTable({ alerts, changed, label }: { alerts: HubAlert[]; changed(): void; label: string }) {
  const s = useSession();
  const act = useAction();
  const move = async (a: HubAlert, verb: 'ack' | 'clear') => {
    if (await act.run((api) => api.post(`/v1/alerts/${a.id}/${verb}`, {}))) changed();
  };
  return (
    <>
      <ErrorNotice error={act.error} />
      <table className="grid" aria-label={label}>
        <thead><tr><th>Raised</th><th>Severity</th><th>State</th><th>Rule</th><th>Device</th><th>Message</th><th>Source</th><th /></tr></thead>
        <tbody>{alerts.map((a) => (
          <tr key={a.id} data-alert={a.id}>
            <td>{dateTime(a.raisedAt)}</td>
            <td><span className={`badge sev-${a.severity}`}>{a.severity}</span></td>
            <td><span className={`badge state-${a.state}`}>{a.state}</span>{a.ackedBy && <div className="muted small">by {a.ackedBy}</div>}</td>
            <td>{a.rule}</td><td>{a.device}</td><td>{a.message}{a.value !== null && <span className="muted"> ({a.value})</span>}</td><td>{a.source}</td>
            <td>{s.canChange && a.state !== 'cleared' && (
              <span className="actions">
                {a.state === 'raised' && <button type="button" disabled={act.busy} onClick={() => void move(a, 'ack')}>Acknowledge</button>}
                <button type="button" disabled={act.busy} onClick={() => void move(a, 'clear')}>Clear</button>
              </span>
            )}</td>
          </tr>
        ))}</tbody>
      </table>
    </>
  );
}
