import './deployments.css';
import { useState } from 'react';
import { Link } from 'react-router';
import { useGet } from '../../api/use-api.js';
import type { Items } from '../../api/types.js';
import { Resource } from '../../components/states.js';
import { ago, dateTime } from '../../components/format.js';
import { usePolling } from './polling.js';
import { countsOf, describeStrategy, describeTarget, stateClass } from './describe.js';
import { DEVICE_STATES, UNFINISHED, type Deployment } from './types.js';

const STATES = ['created', 'running', 'paused', 'completed', 'cancelled', 'rolled_back'] as const;

/** Every deployment of the organisation, newest first: artifact, strategy, target, state and device counts per state. */
export function DeploymentsPage() {
  const [state, setState] = useState('');
  const list = useGet<Items<Deployment>>('/v1/deployments', state ? { state } : undefined);
  usePolling((list.data?.items ?? []).some((d) => UNFINISHED.includes(d.state)), list.reload);
  return (
    <section>
      <h1>Deployments</h1>
      <p className="muted">Artifact versions (pipelines, models, processors, rule sets, configs, gateway software) rolled out to gateways; see docs/rollouts.md.</p>
      <div className="toolbar">
        <label>State<select aria-label="State" value={state} onChange={(e) => setState(e.target.value)}>
          <option value="">any state</option>{STATES.map((s) => <option key={s} value={s}>{s.replace('_', ' ')}</option>)}</select></label>
        <button type="button" onClick={list.reload}>Refresh</button>
      </div>
      <Resource res={list} what="deployments" empty={(d) => d.items.length === 0 && (state ? `No deployment is ${state.replace('_', ' ')}.` : 'No deployment yet: roll a version out from a pipeline’s Deployment tab, or with `outpost deploy create`.')}>
        {(d) => (
          <div className="table-scroll">
            <table className="grid" aria-label="Deployments">
              <thead><tr><th>deployment</th><th>artifact</th><th>strategy</th><th>target</th><th>status</th><th>devices</th><th>created</th></tr></thead>
              <tbody>{d.items.map((r) => (
                <tr key={r.id} data-deployment={r.id}>
                  <td><Link to={`/deployments/${encodeURIComponent(r.id)}`}>{r.name || r.id}</Link></td>
                  <td>{r.artifactKind} <code>{r.artifactName}</code> v{r.version}{r.versionB && ` / v${r.versionB}`}</td>
                  <td>{describeStrategy(r.strategy)}</td>
                  <td>{describeTarget(r.target)}</td>
                  <td><span className={`badge ${stateClass(r.state)}`}>{r.state.replace('_', ' ')}</span>{r.reason && <div className="muted small">{r.reason}</div>}</td>
                  <td className="counts">
                    <span className="muted small">{r.progress.released}/{r.progress.devices} released</span>{' '}
                    {countsOf(r.progress, DEVICE_STATES).map(([s, n]) => <span key={s} className={`badge ${stateClass(s)}`} data-state={s}>{s} {n}</span>)}
                  </td>
                  <td title={dateTime(r.createdAt)}>{ago(r.createdAt)}</td>
                </tr>
              ))}</tbody>
            </table>
          </div>
        )}
      </Resource>
    </section>
  );
}
