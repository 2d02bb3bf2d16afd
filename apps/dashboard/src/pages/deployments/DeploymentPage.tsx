import { useCallback, useState } from 'react';
import { Link, useParams } from 'react-router';
import { useAction, useGet } from '../../api/use-api.js';
import { useSession } from '../../app/session.js';
import { ErrorNotice, Resource } from '../../components/states.js';
import { dateTime } from '../../components/format.js';
import { countsOf, describeStrategy, describeTarget, stateClass } from './describe.js';
import { DeviceStates, useDeviceNames } from './DeviceStates.js';
import { usePolling } from './polling.js';
import { ACTIONS, DEVICE_STATES, UNFINISHED, type Deployment, type DeploymentAction } from './types.js';

const LABEL: Record<DeploymentAction, string> = { start: 'Start', pause: 'Pause', resume: 'Resume', cancel: 'Cancel', rollback: 'Roll back' };

/** One deployment: what, where, how; progress; failures grouped by reason; per-device states; admins pause, resume, cancel or roll back. */
export function DeploymentPage() {
  const { id = '' } = useParams();
  const { canChange } = useSession();
  const res = useGet<Deployment>(`/v1/deployments/${encodeURIComponent(id)}`);
  const act = useAction();
  const [round, setRound] = useState(0);
  const [state, setState] = useState('');
  const names = useDeviceNames();
  const { reload } = res;
  const refresh = useCallback(() => { reload(); setRound((n) => n + 1); }, [reload]);
  usePolling(res.data !== undefined && UNFINISHED.includes(res.data.state), refresh);
  const run = async (a: DeploymentAction) => {
    if (await act.run((api) => api.post(`/v1/deployments/${encodeURIComponent(id)}/${a}`))) refresh();
  };
  return (
    <section>
      <p><Link to="/deployments">← Deployments</Link></p>
      <Resource res={res} what="deployment">
        {(d) => (
          <>
            <h1>{d.name || d.id} <span className={`badge ${stateClass(d.state)}`}>{d.state.replace('_', ' ')}</span></h1>
            {d.reason && <p className="muted" data-testid="deployment-reason">{d.reason}</p>}
            <dl className="facts">
              <dt>artifact</dt><dd>{d.artifactKind} <code>{d.artifactName}</code> v{d.version}{d.versionB && ` / v${d.versionB}`}</dd>
              <dt>strategy</dt><dd>{describeStrategy(d.strategy)}; on a tripped gate: {d.onGate}</dd>
              <dt>target</dt><dd>{describeTarget(d.target)}</dd>
              <dt>created</dt><dd>{dateTime(d.createdAt)} by {d.createdBy}{d.finishedAt !== null && ` · finished ${dateTime(d.finishedAt)}`}</dd>
            </dl>
            {canChange && (
              <div className="toolbar" aria-label="Deployment actions" role="group">
                {(Object.keys(ACTIONS) as DeploymentAction[]).filter((a) => ACTIONS[a].includes(d.state)).map((a) => (
                  <button key={a} type="button" className={a === 'rollback' || a === 'cancel' ? 'danger' : undefined} disabled={act.busy} onClick={() => void run(a)}>{LABEL[a]}</button>
                ))}
              </div>
            )}
            <ErrorNotice error={act.error} />
            <h2>Progress</h2>
            <p className="counts" aria-label="Progress">
              <span>{d.progress.devices} devices · {d.progress.released} released · {d.progress.settled} settled</span>{' '}
              {countsOf(d.progress, DEVICE_STATES).map(([s, n]) => <span key={s} className={`badge ${stateClass(s)}`} data-state={s}>{s} {n}</span>)}
            </p>
            <h2>Failures by reason</h2>
            {d.failures.length === 0 ? <p className="muted">No device failed.</p> : (
              <table className="grid" aria-label="Failures by reason">
                <thead><tr><th>reason</th><th>devices</th><th>which</th></tr></thead>
                <tbody>{d.failures.map((f) => (
                  <tr key={f.reason}><td className="fail-reason">{f.reason}</td><td>{f.count}</td><td>{f.devices.map((x) => names.get(x) ?? x).join(', ')}{f.count > f.devices.length && ' …'}</td></tr>
                ))}</tbody>
              </table>
            )}
            <h2>Devices</h2>
            <div className="toolbar">
              <label>Device state<select aria-label="Device state" value={state} onChange={(e) => setState(e.target.value)}>
                <option value="">any</option>{DEVICE_STATES.map((s) => <option key={s} value={s}>{s}</option>)}</select></label>
            </div>
            <div className="table-scroll"><DeviceStates deploymentId={d.id} state={state} round={round} label="Device states" /></div>
          </>
        )}
      </Resource>
    </section>
  );
}
