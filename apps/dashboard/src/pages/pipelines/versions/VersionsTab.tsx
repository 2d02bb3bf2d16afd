import { useState } from 'react';
import { useAction } from '../../../api/use-api.js';
import { ErrorNotice } from '../../../components/states.js';
import { dateTime } from '../../../components/format.js';
import { useSession } from '../../../app/session.js';
import type { VersionsResponse } from '../types.js';
import { OutputDiffView } from './OutputDiffView.js';

/** Every saved version (immutable), the hub's activation history, and a diff of two versions' outputs. */
export function VersionsTab({ data }: { data: VersionsResponse }) {
  const { canChange, api } = useSession();
  const act = useAction();
  const [msg, setMsg] = useState<string | null>(null);
  const id = encodeURIComponent(data.pipelineId);
  const activate = async (version: number) => {
    const r = await act.run(() => api.post(`/v1/pipelines/${id}/activate`, { version }));
    if (r) setMsg(`v${version} now runs on the hub's ingested data (reload to see the history).`);
  };
  return (
    <>
      <ErrorNotice error={act.error} />
      {msg && <p className="notice" role="status">{msg}</p>}
      <table className="grid" aria-label="Versions">
        <thead><tr><th>version</th><th>note</th><th>nodes</th><th>hash</th><th>saved</th><th>by</th><th /></tr></thead>
        <tbody>
          {[...data.versions].reverse().map((v) => (
            <tr key={v.version}>
              <td>v{v.version}{data.activeVersion === v.version && <span className="badge status-online"> on the hub</span>}</td>
              <td>{v.note ?? <span className="muted">—</span>}</td>
              <td><details><summary>{v.doc.nodes.length} nodes, {v.doc.edges.length} edges</summary><pre>{JSON.stringify(v.doc, null, 1)}</pre></details></td>
              <td><code title={v.hash}>{v.hash.slice(0, 12)}</code></td>
              <td>{dateTime(v.createdAt)}</td>
              <td>{v.createdBy ?? ''}</td>
              <td>{canChange && data.activeVersion !== v.version && <button type="button" onClick={() => activate(v.version)} disabled={act.busy}>Run on hub</button>}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {data.activations.length > 0 && (
        <>
          <h2>Activation history on the hub</h2>
          <ul>{data.activations.map((a, i) => <li key={i}>{dateTime(a.at)}: {a.version === null ? 'stopped' : `v${a.version}`} ({a.reason}{a.actor ? `, ${a.actor}` : ''})</li>)}</ul>
        </>
      )}
      <OutputDiffView pipelineId={data.pipelineId} versions={data.versions.map((v) => v.version)} />
    </>
  );
}
