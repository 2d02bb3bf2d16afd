import { useState } from 'react';
import { errorOf } from '../../../api/client.js';
import { useAction, useGet } from '../../../api/use-api.js';
import type { Items } from '../../../api/types.js';
import { ErrorNotice, Resource } from '../../../components/states.js';
import { ago } from '../../../components/format.js';
import { useSession } from '../../../app/session.js';
import type { PipelineVersion } from '../types.js';
import { TargetPicker, type TargetChoice } from './TargetPicker.js';

interface DeviceRow { deviceId: string; state: string; version: string; error: string | null; stateAt: number }
interface Rollout { id: string; name: string; artifactKind: string; artifactName: string; version: string; state: string; reason: string | null; createdAt: number; progress: Record<string, number> }

/**
 * Roll a saved version out to gateways through the hub's deployments module: the version is
 * published as a signed `pipeline` artifact (same name and version number; versions are immutable,
 * so an artifact that already exists is the same document), then an immediate deployment starts.
 */
export function Rollouts({ pipelineId, versions }: { pipelineId: string; versions: PipelineVersion[] }) {
  const { canChange } = useSession();
  const list = useGet<Items<Rollout>>('/v1/deployments');
  // Rows read their devices once; Refresh re-reads the list and every row.
  const [round, setRound] = useState(0);
  const mine = (list.data?.items ?? []).filter((r) => r.artifactKind === 'pipeline' && r.artifactName === pipelineId);
  return (
    <section className="panel" aria-label="Rollouts">
      <h2>Rollouts to gateways <button type="button" onClick={() => { list.reload(); setRound((n) => n + 1); }}>Refresh</button></h2>
      {canChange && <RolloutForm pipelineId={pipelineId} versions={versions} onDone={list.reload} />}
      <Resource res={list} what="deployments" empty={() => mine.length === 0 && 'No rollout of this pipeline yet.'}>
        {() => (
          <table className="grid" aria-label="Rollouts of this pipeline">
            <thead><tr><th>deployment</th><th>version</th><th>state</th><th>started</th><th>devices</th></tr></thead>
            <tbody>{mine.map((r) => <RolloutRow key={`${r.id}-${round}`} r={r} />)}</tbody>
          </table>
        )}
      </Resource>
    </section>
  );
}

function RolloutRow({ r }: { r: Rollout }) {
  const devices = useGet<Items<DeviceRow>>(`/v1/deployments/${encodeURIComponent(r.id)}/devices`);
  return (
    <tr>
      <td>{r.name || r.id}</td><td>v{r.version}</td>
      <td><span className="badge">{r.state}</span>{r.reason && <span className="muted small"> {r.reason}</span>}</td>
      <td>{ago(r.createdAt)}</td>
      <td>
        {devices.data?.items.map((d) => <div key={d.deviceId}><code>{d.deviceId}</code> <span className="badge">{d.state}</span> {d.error && <span className="error small">{d.error}</span>} <span className="muted small">{ago(d.stateAt)}</span></div>)}
        <ErrorNotice error={devices.error} />
      </td>
    </tr>
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
