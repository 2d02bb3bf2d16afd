import { useState } from 'react';
import { useAction, useGet } from '../../../api/use-api.js';
import type { Items } from '../../../api/types.js';
import type { PipelineVersion } from '../types.js';
import { Rollouts } from './Rollouts.js';
import { TargetPicker, type TargetChoice } from './TargetPicker.js';
import { ErrorNotice, Resource } from '../../../components/states.js';
import { ago, dateTime } from '../../../components/format.js';
import { useSession } from '../../../app/session.js';

interface Deployment { deviceId: string; status: 'pending' | 'deployed' | 'active' | 'failed'; reason: string | null; updatedAt: number }
interface Assignment { id: string; targetKind: 'device_type' | 'device'; targetId: string; artifactKind: string; name: string; version: string; createdAt: number; deployments: Deployment[] }

const STATUS_CLASS: Record<Deployment['status'], string> = { active: 'status-online', deployed: 'status-online', pending: 'status-degraded', failed: 'status-offline' };

/** Where this pipeline is assigned (device types, devices) and how far each device got; assign a version (deploy) or un-assign; rollouts through the deployments module. */
export function DeploymentTab({ pipelineId, versions }: { pipelineId: string; versions: PipelineVersion[] }) {
  const { canChange } = useSession();
  const list = useGet<Items<Assignment>>('/v1/assignments');
  const act = useAction();
  const mine = (list.data?.items ?? []).filter((a) => a.artifactKind === 'pipeline' && a.name === pipelineId);
  const unassign = async (id: string) => {
    if (await act.run(async (api) => { await api.del(`/v1/assignments/${encodeURIComponent(id)}`); return true; })) list.reload();
  };
  return (
    <>
      <h2>Assignments</h2>
      {canChange && <AssignForm pipelineId={pipelineId} versions={versions.map((v) => v.version)} onDone={list.reload} />}
      <ErrorNotice error={act.error} />
      <Resource res={list} what="assignments" empty={() => mine.length === 0 && 'Not assigned to any device type or device yet.'}>
        {() => (
          <table className="grid" aria-label="Assignments">
            <thead><tr><th>target</th><th>version</th><th>assigned</th><th>devices</th><th /></tr></thead>
            <tbody>
              {mine.map((a) => (
                <tr key={a.id}>
                  <td>{a.targetKind === 'device' ? 'device' : 'device type'} <code>{a.targetId}</code></td>
                  <td>v{a.version}</td>
                  <td>{dateTime(a.createdAt)}</td>
                  <td>
                    {a.deployments.length === 0 && <span className="muted">no device has reported yet</span>}
                    {a.deployments.map((d) => (
                      <div key={d.deviceId}><code>{d.deviceId}</code> <span className={`badge ${STATUS_CLASS[d.status]}`}>{d.status}</span> {d.reason && <span className="error small">{d.reason}</span>} <span className="muted small">{ago(d.updatedAt)}</span></div>
                    ))}
                  </td>
                  <td>{canChange && <button type="button" onClick={() => unassign(a.id)} disabled={act.busy}>Un-assign</button>}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </Resource>
      <Rollouts pipelineId={pipelineId} versions={versions} />
    </>
  );
}

/** Assign (deploy) a version to a device type or a device; assigning another version re-points it. */
function AssignForm({ pipelineId, versions, onDone }: { pipelineId: string; versions: number[]; onDone(): void }) {
  const [target, setTarget] = useState<TargetChoice>({ kind: 'device', id: '' });
  const [version, setVersion] = useState(versions.at(-1)!);
  const act = useAction();
  const submit = async () => {
    const r = await act.run((api) => api.post('/v1/assignments', { targetKind: target.kind, targetId: target.id, artifactKind: 'pipeline', name: pipelineId, version: String(version) }));
    if (r) onDone();
  };
  return (
    <form className="toolbar" aria-label="Assign" onSubmit={(e) => { e.preventDefault(); void submit(); }}>
      <TargetPicker value={target} onChange={setTarget} />
      <label>version<select aria-label="Version to deploy" value={version} onChange={(e) => setVersion(Number(e.target.value))}>{[...versions].reverse().map((v) => <option key={v} value={v}>v{v}</option>)}</select></label>
      <button type="submit" disabled={act.busy || target.id === ''}>Deploy</button>
      <ErrorNotice error={act.error} />
    </form>
  );
}
