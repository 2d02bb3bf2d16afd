import { useCallback, useState } from 'react';
import { Link } from 'react-router';
import { errorOf } from '../../../api/client.js';
import { useAction, useGet } from '../../../api/use-api.js';
import type { Items } from '../../../api/types.js';
import { ErrorNotice, Resource } from '../../../components/states.js';
import { ago, dateTime } from '../../../components/format.js';
import { DeviceStates } from '../../deployments/DeviceStates.js';
import { describeStrategy, describeTarget, stateClass } from '../../deployments/describe.js';
import { usePolling } from '../../deployments/polling.js';
import { UNFINISHED, type Deployment } from '../../deployments/types.js';
import { useSession } from '../../../app/session.js';
import type { PipelineVersion } from '../types.js';
import { TargetPicker, type TargetChoice } from './TargetPicker.js';

/**
 * Deployments that carry this pipeline's versions (newest first) and, per device, its state, since
 * when and the reason of a failure. Admins roll a saved version out through the hub's deployments
 * module: the version is published as a signed `pipeline` artifact (same name and version number;
 * versions are immutable, so an artifact that already exists is the same document), then an
 * immediate deployment starts. Pause, cancel and rollback are on the deployment's own page.
 */
export function Rollouts({ pipelineId, versions }: { pipelineId: string; versions: PipelineVersion[] }) {
  const { canChange } = useSession();
  const list = useGet<Items<Deployment>>('/v1/deployments');
  const [round, setRound] = useState(0);
  const { reload } = list;
  const refresh = useCallback(() => { reload(); setRound((n) => n + 1); }, [reload]);
  const mine = (list.data?.items ?? []).filter((r) => r.artifactKind === 'pipeline' && r.artifactName === pipelineId);
  usePolling(mine.some((r) => UNFINISHED.includes(r.state)), refresh);
  return (
    <section className="panel" aria-label="Rollouts">
      <h2>Deployments to gateways <button type="button" onClick={refresh}>Refresh</button></h2>
      {canChange && <RolloutForm pipelineId={pipelineId} versions={versions} onDone={refresh} />}
      <Resource res={list} what="deployments" empty={() => mine.length === 0 && 'No deployment of this pipeline yet.'}>
        {() => (
          <table className="grid" aria-label="Rollouts of this pipeline">
            <thead><tr><th>deployment</th><th>version</th><th>state</th><th>started</th><th>devices</th></tr></thead>
            <tbody>{mine.map((r) => (
              <tr key={r.id} data-deployment={r.id}>
                <td><Link to={`/deployments/${encodeURIComponent(r.id)}`}>{r.name || r.id}</Link><div className="muted small">{describeStrategy(r.strategy)} · {describeTarget(r.target)}</div></td>
                <td>v{r.version}{r.versionB && ` / v${r.versionB}`}</td>
                <td><span className={`badge ${stateClass(r.state)}`}>{r.state.replace('_', ' ')}</span>{r.reason && <div className="muted small">{r.reason}</div>}</td>
                <td title={dateTime(r.startedAt ?? r.createdAt)}>{ago(r.startedAt ?? r.createdAt)}</td>
                <td><DeviceStates deploymentId={r.id} round={round} label={`Devices of ${r.name || r.id}`} /></td>
              </tr>
            ))}</tbody>
          </table>
        )}
      </Resource>
    </section>
  );
}

function RolloutForm({ pipelineId, versions, onDone }: { pipelineId: string; versions: PipelineVersion[]; onDone(): void }) {
  const [target, setTarget] = useState<TargetChoice>({ kind: 'device', id: '' });
  const [version, setVersion] = useState(versions.at(-1)!.version);
  const act = useAction();
  const submit = async () => {
    const v = versions.find((x) => x.version === version)!;
    const ok = await act.run(async (api) => {
      const path = `/v1/artifacts/pipeline/${encodeURIComponent(pipelineId)}/${v.version}`;
      const res = await api.fetch(path, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify(v.doc) });
      if (!res.ok && res.status !== 409) throw await errorOf(res);
      await api.post('/v1/deployments', {
        name: `${pipelineId} v${v.version}`, artifact: { kind: 'pipeline', name: pipelineId, version: String(v.version) },
        target: target.kind === 'device' ? { devices: [target.id] } : { deviceType: target.id }, strategy: { kind: 'immediate' }, start: true,
      });
      return true;
    });
    if (ok) onDone();
  };
  return (
    <form className="toolbar" aria-label="Roll out" onSubmit={(e) => { e.preventDefault(); void submit(); }}>
      <TargetPicker value={target} onChange={setTarget} />
      <label>version<select aria-label="Version to roll out" value={version} onChange={(e) => setVersion(Number(e.target.value))}>{[...versions].reverse().map((v) => <option key={v.version} value={v.version}>v{v.version}</option>)}</select></label>
      <button type="submit" disabled={act.busy || target.id === ''}>Roll out</button>
      <ErrorNotice error={act.error} />
    </form>
  );
}
