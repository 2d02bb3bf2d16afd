import { useState } from 'react';
import { useAction } from '../../../api/use-api.js';
import { ErrorNotice } from '../../../components/states.js';
import type { DiffResponse } from '../types.js';
import { SourcePicker, sourceOf, useSourceState } from '../test/SourcePicker.js';

/** Run two saved versions on the same points (hub: `POST /v1/pipelines/:id/diff`) and show what differs per output node. */
export function OutputDiffView({ pipelineId, versions }: { pipelineId: string; versions: number[] }) {
  const [a, setA] = useState(versions.length > 1 ? versions.at(-2)! : versions[0]!);
  const [b, setB] = useState(versions.at(-1)!);
  const [source, setSource] = useSourceState();
  const [problem, setProblem] = useState<string | null>(null);
  const [res, setRes] = useState<DiffResponse | null>(null);
  const act = useAction();
  const run = async () => {
    const src = sourceOf(source);
    if (typeof src === 'string') { setProblem(src); return; }
    setProblem(null);
    setRes((await act.run((api) => api.post<DiffResponse>(`/v1/pipelines/${encodeURIComponent(pipelineId)}/diff`, { a, b, ...src }))) ?? null);
  };
  const pick = (label: string, v: number, set: (n: number) => void) => (
    <label>{label}<select aria-label={`Diff version ${label}`} value={v} onChange={(e) => set(Number(e.target.value))}>{versions.map((x) => <option key={x} value={x}>v{x}</option>)}</select></label>
  );
  return (
    <section className="panel" aria-label="Diff of outputs">
      <h2>Diff of two versions' outputs</h2>
      <div className="toolbar">{pick('A', a, setA)}{pick('B', b, setB)}</div>
      <SourcePicker value={source} onChange={setSource} />
      <button type="button" className="primary" onClick={run} disabled={act.busy}>Compare outputs</button>
      {problem && <div className="error" role="alert">{problem}</div>}
      <ErrorNotice error={act.error} />
      {res && (res.diff.equal
        ? <p className="notice" role="status">v{a} and v{b} give the same outputs on these {res.points} points.</p>
        : (
          <table className="grid" aria-label="Output differences">
            <thead><tr><th>output node</th><th>status</th><th>v{a} items</th><th>v{b} items</th><th>only in v{a}</th><th>only in v{b}</th></tr></thead>
            <tbody>
              {res.diff.outputs.map((o) => (
                <tr key={o.nodeId}>
                  <td>{o.nodeId}</td><td>{o.status}</td><td>{o.countA}</td><td>{o.countB}</td>
                  <td><div className="diff diff-items"><span className="del">{o.onlyInA.map((x) => JSON.stringify(x)).join('\n')}</span></div></td>
                  <td><div className="diff diff-items"><span className="add">{o.onlyInB.map((x) => JSON.stringify(x)).join('\n')}</span></div></td>
                </tr>
              ))}
              {res.diff.outputs.length === 0 && <tr><td colSpan={6}>Outputs are equal; the error counts differ ({res.diff.a.errors.length} vs {res.diff.b.errors.length}).</td></tr>}
            </tbody>
          </table>
        ))}
    </section>
  );
}
