import type { PipelineTrace, RecordedOutput } from '../types.js';

const count = (ports: Record<string, { count: number }>) => Object.entries(ports).map(([p, v]) => `${p}: ${v.count}`).join(', ') || '—';

/** Per node: input and output counts by port, time, errors (the same trace is drawn on the canvas). */
export function TraceTable({ trace }: { trace: PipelineTrace }) {
  return (
    <table className="grid" aria-label="Trace per node">
      <thead><tr><th>node</th><th>kind</th><th>input</th><th>output</th><th>time</th><th>errors</th></tr></thead>
      <tbody>
        {trace.nodes.map((n) => (
          <tr key={n.id} data-node={n.id}>
            <td>{n.id}</td><td>{n.kind} v{n.typeVersion}</td><td>{count(n.in)}</td><td>{count(n.out)}</td>
            <td>{n.durationMs.toFixed(2)} ms</td>
            <td>{n.errorCount === 0 ? '0' : n.errors.map((e, i) => <div key={i} className="error small"><strong>{e.code}</strong> {e.message}</div>)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** What each output node handed to its sink (table, priority, topic, URL or alert rule). */
export function OutputsTable({ outputs }: { outputs: Record<string, RecordedOutput> }) {
  const ids = Object.keys(outputs);
  if (ids.length === 0) return <p className="muted">No output node produced anything.</p>;
  return (
    <table className="grid" aria-label="Outputs">
      <thead><tr><th>node</th><th>sink</th><th>target</th><th>items</th></tr></thead>
      <tbody>
        {ids.map((id) => (
          <tr key={id}>
            <td>{id}</td><td>{outputs[id]!.kind}</td><td>{outputs[id]!.targets.join(', ')}</td>
            <td><details><summary>{outputs[id]!.items.length}</summary><pre>{JSON.stringify(outputs[id]!.items, null, 1)}</pre></details></td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
