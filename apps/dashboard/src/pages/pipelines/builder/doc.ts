import type { Edge, Node } from '@xyflow/react';
import type { DocNode, PipelineDoc } from '../types.js';

/** What a canvas node carries: the document node plus what the canvas shows on it. */
export type FlowNodeData = { node: DocNode };
export type FlowNode = Node<FlowNodeData, 'op'>;

const COL = 240;
const ROW = 120;

/**
 * The pipeline document holds no layout, so nodes are placed in columns by their longest path
 * from a source (a left-to-right reading of the data flow) and stacked within a column.
 */
export function layout(doc: PipelineDoc): Record<string, { x: number; y: number }> {
  const depth = new Map<string, number>(doc.nodes.map((n) => [n.id, 0]));
  // Longest-path layering; the bound stops on a cycle (the compiler reports it).
  for (let round = 0; round < doc.nodes.length; round++) {
    let changed = false;
    for (const e of doc.edges) {
      const d = (depth.get(e.from) ?? 0) + 1;
      if (depth.has(e.to) && d > depth.get(e.to)!) { depth.set(e.to, d); changed = true; }
    }
    if (!changed) break;
  }
  const rows = new Map<number, number>();
  const pos: Record<string, { x: number; y: number }> = {};
  for (const n of doc.nodes) {
    const col = depth.get(n.id) ?? 0;
    const row = rows.get(col) ?? 0;
    rows.set(col, row + 1);
    pos[n.id] = { x: 40 + col * COL, y: 40 + row * ROW };
  }
  return pos;
}

export function edgeId(from: string, fromPort: string, to: string, toPort: string): string {
  return `${from}.${fromPort}->${to}.${toPort}`;
}

export function toFlow(doc: PipelineDoc): { nodes: FlowNode[]; edges: Edge[] } {
  const pos = layout(doc);
  const nodes: FlowNode[] = doc.nodes.map((n) => ({ id: n.id, type: 'op', position: pos[n.id]!, data: { node: n } }));
  const edges: Edge[] = doc.edges.map((e) => {
    const fp = e.fromPort ?? 'out';
    const tp = e.toPort ?? 'in';
    return { id: edgeId(e.from, fp, e.to, tp), source: e.from, sourceHandle: fp, target: e.to, targetHandle: tp };
  });
  return { nodes, edges };
}

/** The document the hub gets: canvas order of nodes, default ports left out. */
export function toDoc(meta: { id: string; name?: string; description?: string }, nodes: readonly FlowNode[], edges: readonly Edge[]): PipelineDoc {
  return {
    schemaVersion: 1,
    id: meta.id,
    ...(meta.name ? { name: meta.name } : {}),
    ...(meta.description ? { description: meta.description } : {}),
    nodes: nodes.map((n) => n.data.node),
    edges: edges.map((e) => ({
      from: e.source,
      ...(e.sourceHandle && e.sourceHandle !== 'out' ? { fromPort: e.sourceHandle } : {}),
      to: e.target,
      ...(e.targetHandle && e.targetHandle !== 'in' ? { toPort: e.targetHandle } : {}),
    })),
  };
}

/** A node id not used yet: `<kind>`, `<kind>_2`, … (ids must match ^[A-Za-z_][A-Za-z0-9_-]{0,63}$). */
export function freshId(kind: string, taken: ReadonlySet<string>): string {
  if (!taken.has(kind)) return kind;
  for (let i = 2; ; i++) if (!taken.has(`${kind}_${i}`)) return `${kind}_${i}`;
}

/** Parse an imported file: a pipeline document, or a saved version `{ doc }` as the hub returns it. */
export function parseImported(text: string): PipelineDoc {
  let v: unknown;
  try { v = JSON.parse(text); } catch (e) { throw new Error(`not valid JSON: ${(e as Error).message}`); }
  const doc = (v as { doc?: unknown })?.doc ?? v;
  const d = doc as Partial<PipelineDoc>;
  if (typeof d !== 'object' || d === null || !Array.isArray(d.nodes) || typeof d.id !== 'string') {
    throw new Error('expected a pipeline document: { schemaVersion: 1, id, nodes: [...], edges: [...] }');
  }
  return { ...d, schemaVersion: 1, edges: Array.isArray(d.edges) ? d.edges : [] } as PipelineDoc;
}
