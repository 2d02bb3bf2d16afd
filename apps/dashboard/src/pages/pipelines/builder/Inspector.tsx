import { nodeKind } from '../catalogue.js';
import type { DocNode, NodeTrace } from '../types.js';
import { SchemaForm } from './SchemaForm.js';

/** The selected node: its name, its configuration form (from the kind's JSON Schema) and its last trace. */
export function Inspector({ node, trace, readOnly, onChange, onDelete }: { node: DocNode; trace: NodeTrace | undefined; readOnly: boolean; onChange(n: DocNode): void; onDelete(): void }) {
  const def = nodeKind(node.kind, node.typeVersion);
  return (
    <aside className="inspector" aria-label={`Node ${node.id}`}>
      <h3>{node.id} <span className="muted small">{node.kind} v{node.typeVersion}</span></h3>
      {def && <p className="muted small">{def.description}</p>}
      <fieldset disabled={readOnly}>
        <label>name<input value={node.name ?? ''} onChange={(e) => onChange(withName(node, e.target.value))} /></label>
        {def
          ? <SchemaForm schema={def.configSchema} value={node.config ?? {}} idPrefix={`cfg-${node.id}`} onChange={(config) => onChange({ ...node, config })} />
          : <p className="error">Unknown node kind: this dashboard cannot edit it.</p>}
        <button type="button" onClick={onDelete}>Delete node</button>
      </fieldset>
      {trace && <TraceDetail t={trace} />}
    </aside>
  );
}

function withName(n: DocNode, name: string): DocNode {
  const { name: _old, ...rest } = n;
  return name === '' ? rest : { ...rest, name };
}

/** Input, output per port, time and errors of one node in the last test run (samples are capped by the hub). */
function TraceDetail({ t }: { t: NodeTrace }) {
  const ports = (dir: 'in' | 'out') => Object.entries(t[dir]).map(([p, v]) => (
    <details key={`${dir}-${p}`} className="trace-port">
      <summary>{dir === 'in' ? 'input' : 'output'} {p}: {v.count} item{v.count === 1 ? '' : 's'}</summary>
      <pre>{JSON.stringify(v.items, null, 1)}</pre>
    </details>
  ));
  return (
    <section className="trace-detail" aria-label="Trace">
      <h4>Last test: {t.calls} call{t.calls === 1 ? '' : 's'}, {t.durationMs.toFixed(2)} ms</h4>
      {ports('in')}
      {ports('out')}
      {t.errors.map((e, i) => <div key={i} className="error small"><strong>{e.code}</strong> {e.message}{e.item !== undefined ? ` — ${JSON.stringify(e.item)}` : ''}</div>)}
    </section>
  );
}
