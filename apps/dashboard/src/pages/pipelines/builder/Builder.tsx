import '@xyflow/react/dist/style.css';
import { useCallback, useEffect, useMemo, useRef, useState, type DragEvent } from 'react';
import {
  addEdge, Background, Controls, ReactFlow, ReactFlowProvider, useEdgesState, useNodesState, useReactFlow,
  type Connection, type Edge,
} from '@xyflow/react';
import { useAction } from '../../../api/use-api.js';
import { ErrorNotice } from '../../../components/states.js';
import { useSession } from '../../../app/session.js';
import { PALETTE } from '../catalogue.js';
import { issuesByNode, type CompileIssue, type DocNode, type NodeTrace, type PipelineDoc, type SaveResponse } from '../types.js';
import { edgeId, freshId, toDoc, toFlow, type FlowNode } from './doc.js';
import { Inspector } from './Inspector.js';
import { OpNode, OverlayContext } from './OpNode.js';
import { DRAG_TYPE, Palette } from './Palette.js';
import { ImportExport } from './ImportExport.js';
import { TestPanel } from '../test/TestPanel.js';

const NODE_TYPES = { op: OpNode };

export interface BuilderProps {
  /** The document to start from (a saved version, or a new empty pipeline). */
  initial: PipelineDoc;
  /** A new pipeline: its id may still be changed. */
  isNew: boolean;
  onSaved(r: SaveResponse): void;
}

export function Builder(props: BuilderProps) {
  return <ReactFlowProvider><Canvas {...props} /></ReactFlowProvider>;
}

/**
 * The visual workflow builder: palette, canvas and inspector. The document is what the hub
 * stores and compiles; every check is the hub's compiler (Validate runs a test on no points), and
 * its issues are drawn on the node that causes them.
 */
function Canvas({ initial, isNew, onSaved }: BuilderProps) {
  const { canChange } = useSession();
  const start = useMemo(() => toFlow(initial), [initial]);
  const [nodes, setNodes, onNodesChange] = useNodesState<FlowNode>(start.nodes);
  const [edges, setEdges, onEdgesChange] = useEdgesState<Edge>(start.edges);
  const [meta, setMeta] = useState({ id: initial.id, name: initial.name ?? '', description: initial.description ?? '' });
  const [note, setNote] = useState('');
  const [selected, setSelected] = useState<string | null>(null);
  const [issues, setIssues] = useState(new Map<string, CompileIssue[]>());
  const [trace, setTrace] = useState(new Map<string, NodeTrace>());
  const [message, setMessage] = useState<string | null>(null);
  const flow = useReactFlow();
  const wrapper = useRef<HTMLDivElement>(null);
  const act = useAction();

  const doc = useCallback(() => toDoc(meta, nodes, edges), [meta, nodes, edges]);

  const load = (d: PipelineDoc) => {
    const f = toFlow(d);
    setNodes(f.nodes); setEdges(f.edges);
    setMeta({ id: isNew ? d.id : meta.id, name: d.name ?? '', description: d.description ?? '' });
    setIssues(new Map()); setTrace(new Map()); setSelected(null);
  };

  const addNode = (kind: string, position?: { x: number; y: number }) => {
    const def = PALETTE.find((k) => k.kind === kind);
    if (!def) return;
    const id = freshId(kind, new Set(nodes.map((n) => n.id)));
    const node: DocNode = { id, kind, typeVersion: def.typeVersion, config: {} };
    // The new node is the selected one, so its form opens at once.
    setNodes((ns) => [...ns.map((n) => ({ ...n, selected: false })), { id, type: 'op', selected: true, position: position ?? { x: 40 + ns.length * 30, y: 40 + ns.length * 30 }, data: { node } }]);
    setSelected(id);
  };

  const onDrop = (e: DragEvent) => {
    e.preventDefault();
    const kind = e.dataTransfer.getData(DRAG_TYPE);
    if (kind) addNode(kind, flow.screenToFlowPosition({ x: e.clientX, y: e.clientY }));
  };

  const onConnect = (c: Connection) => setEdges((es) => addEdge({
    ...c, id: edgeId(c.source, c.sourceHandle ?? 'out', c.target, c.targetHandle ?? 'in'),
  }, es));

  /** A 400 from the hub: issues go onto their nodes; the rest is shown as the error it is. */
  const showResult = (err: typeof act.error) => {
    setIssues(err?.status === 400 ? issuesByNode(err.details) : new Map());
  };

  const validate = async () => {
    setMessage(null);
    const r = await act.run((api) => api.post('/v1/pipelines/test', { pipeline: doc(), points: [] }));
    if (r) { setIssues(new Map()); setMessage('The hub compiled the pipeline: no problems.'); }
  };

  const save = async () => {
    setMessage(null);
    const r = await act.run((api) => api.post<SaveResponse>('/v1/pipelines', { pipeline: doc(), ...(note ? { note } : {}) }));
    if (r) {
      setIssues(new Map());
      setMessage(r.created ? `Saved as version ${r.version}.` : `Unchanged: version ${r.version} already holds this document.`);
      setNote('');
      onSaved(r);
    }
  };

  // Issues arrive with the action's error; keep the node overlay in step with it.
  useEffect(() => { if (act.error) showResult(act.error); }, [act.error]); // eslint-disable-line react-hooks/exhaustive-deps

  const sel = nodes.find((n) => n.id === selected);
  const overlay = useMemo(() => ({ issues, trace }), [issues, trace]);
  const docIssues = issues.get('') ?? [];

  return (
    <div className="builder">
      <div className="toolbar">
        <label>pipeline id<input value={meta.id} readOnly={!isNew} onChange={(e) => setMeta({ ...meta, id: e.target.value })} /></label>
        <label>name<input value={meta.name} onChange={(e) => setMeta({ ...meta, name: e.target.value })} /></label>
        <label>version note<input value={note} onChange={(e) => setNote(e.target.value)} placeholder="what changed" /></label>
        <button type="button" onClick={validate} disabled={act.busy}>Validate</button>
        {canChange && <button type="button" className="primary" onClick={save} disabled={act.busy}>Save as new version</button>}
        <ImportExport doc={doc} onImport={load} />
      </div>
      <ErrorNotice error={act.error} />
      {docIssues.map((i, k) => <div key={k} className="error small">{i.message}</div>)}
      {message && <p className="notice" role="status">{message}</p>}
      <OverlayContext.Provider value={overlay}>
        <div className="builder-main">
          <Palette onAdd={(k) => addNode(k)} disabled={!canChange} />
          <div className="canvas" ref={wrapper} onDrop={onDrop} onDragOver={(e) => { e.preventDefault(); e.dataTransfer.dropEffect = 'move'; }} data-testid="canvas">
            <ReactFlow nodes={nodes} edges={edges} nodeTypes={NODE_TYPES} onNodesChange={onNodesChange} onEdgesChange={onEdgesChange}
              onConnect={onConnect} onSelectionChange={({ nodes: s }) => setSelected(s[0]?.id ?? null)} deleteKeyCode={['Delete', 'Backspace']}
              nodesConnectable={canChange} nodesDraggable
              // A new, empty canvas keeps the 1:1 viewport, so nodes land where they are dropped.
              fitView={start.nodes.length > 0} fitViewOptions={{ maxZoom: 1 }}>
              <Background /><Controls />
            </ReactFlow>
          </div>
          {sel
            ? <Inspector node={sel.data.node} trace={trace.get(sel.id)} readOnly={!canChange}
                onChange={(n) => setNodes((ns) => ns.map((x) => (x.id === sel.id ? { ...x, data: { node: n } } : x)))}
                onDelete={() => { setNodes((ns) => ns.filter((x) => x.id !== sel.id)); setEdges((es) => es.filter((e) => e.source !== sel.id && e.target !== sel.id)); setSelected(null); }} />
            : <aside className="inspector muted small">Select a node to configure it.</aside>}
        </div>
      </OverlayContext.Provider>
      <TestPanel pipeline={doc} onTrace={(t, err) => { setTrace(new Map((t?.nodes ?? []).map((n) => [n.id, n]))); setIssues(err?.status === 400 ? issuesByNode(err.details) : new Map()); }} />
    </div>
  );
}
