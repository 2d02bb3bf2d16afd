import { createContext, useContext } from 'react';
import { Handle, Position, type NodeProps } from '@xyflow/react';
import { nodeKind } from '../catalogue.js';
import type { CompileIssue, NodeTrace } from '../types.js';
import type { FlowNode } from './doc.js';

/** What the canvas draws over the nodes: the compiler's issues and the last test's trace, by node id. */
export interface Overlay { issues: Map<string, CompileIssue[]>; trace: Map<string, NodeTrace> }
export const OverlayContext = createContext<Overlay>({ issues: new Map(), trace: new Map() });

const sum = (ports: Record<string, { count: number }>) => Object.values(ports).reduce((n, p) => n + p.count, 0);

/** One pipeline node: its kind, ports as handles, and on it the issues and trace counts that concern it. */
export function OpNode({ data, selected }: NodeProps<FlowNode>) {
  const { node } = data;
  const def = nodeKind(node.kind, node.typeVersion);
  const { issues, trace } = useContext(OverlayContext);
  const mine = issues.get(node.id) ?? [];
  const t = trace.get(node.id);
  const inputs = def?.inputs ?? ['in'];
  const outputs = def?.outputs ?? ['out'];
  const cls = ['op-node', selected ? 'selected' : '', mine.length > 0 || (t && t.errorCount > 0) ? 'has-error' : ''].join(' ');
  return (
    <div className={cls} data-node-id={node.id} data-testid={`node-${node.id}`}>
      {inputs.map((p, i) => (
        <Handle key={p} type="target" position={Position.Left} id={p} title={`input ${p}`} style={{ top: `${((i + 1) * 100) / (inputs.length + 1)}%` }} />
      ))}
      <div className="op-title"><strong>{node.name ?? node.id}</strong> <span className="muted small">{node.kind} v{node.typeVersion}</span></div>
      {!def && <div className="op-issue">unknown node kind {node.kind} v{node.typeVersion}</div>}
      {mine.map((i, k) => <div key={k} className="op-issue" role="alert">{i.message}{i.position !== undefined ? ` (at ${i.position})` : ''}</div>)}
      {t && (
        <div className="op-trace" data-testid={`trace-${node.id}`}>
          in {sum(t.in)} → out {sum(t.out)} · {t.durationMs.toFixed(2)} ms{t.errorCount > 0 ? ` · ${t.errorCount} error${t.errorCount === 1 ? '' : 's'}` : ''}
        </div>
      )}
      {outputs.map((p, i) => (
        <Handle key={p} type="source" position={Position.Right} id={p} title={`output ${p}`} style={{ top: `${((i + 1) * 100) / (outputs.length + 1)}%` }}>
          {outputs.length > 1 && <span className="port-label">{p}</span>}
        </Handle>
      ))}
    </div>
  );
}
