/**
 * Graph checks on a schema-valid document: edges point at existing nodes and ports, port types
 * match, every input port is connected, and there is no cycle. Returns every problem found, and
 * the topological order when the graph is usable.
 */
import type { CompileIssue, OperatorDefinition, PipelineDocument } from '../types.js';

export interface Wire { from: number; fromPort: string; to: number; toPort: string }

export function checkGraph(doc: PipelineDocument, defs: (OperatorDefinition | undefined)[]): { issues: CompileIssue[]; order: number[]; wires: Wire[] } {
  const issues: CompileIssue[] = [];
  const index = new Map(doc.nodes.map((n, i) => [n.id, i]));
  const wires: Wire[] = [];
  const connected = new Set<string>();
  const seenWire = new Set<string>();

  doc.edges.forEach((e, k) => {
    const path = `/edges/${k}`;
    const fi = index.get(e.from);
    const ti = index.get(e.to);
    const fromPort = e.fromPort ?? 'out';
    const toPort = e.toPort ?? 'in';
    if (fi === undefined) issues.push({ nodeId: e.to, code: 'ERR_PIPELINE_INVALID', path, message: `edge ${k} comes from unknown node '${e.from}'` });
    if (ti === undefined) issues.push({ nodeId: e.from, code: 'ERR_PIPELINE_INVALID', path, message: `edge ${k} goes to unknown node '${e.to}'` });
    if (fi === undefined || ti === undefined) return;
    const fd = defs[fi], td = defs[ti];
    if (!td) return; // unknown kind, already reported
    // An edge from a node of unknown kind still connects its target: no follow-on "not connected" noise.
    if (!fd) { connected.add(`${ti}.${toPort}`); return; }
    const out = fd.outputs.find((p) => p.name === fromPort);
    const inp = td.inputs.find((p) => p.name === toPort);
    if (!out) issues.push({ nodeId: e.from, code: 'ERR_PIPELINE_INVALID', path, message: `${fd.kind} node '${e.from}' has no output port '${fromPort}' (it has: ${fd.outputs.map((p) => p.name).join(', ') || 'none'})` });
    if (!inp) issues.push({ nodeId: e.to, code: 'ERR_PIPELINE_INVALID', path, message: `${td.kind} node '${e.to}' has no input port '${toPort}' (it has: ${td.inputs.map((p) => p.name).join(', ') || 'none'})` });
    if (!out || !inp) return;
    if (!inp.accepts.includes(out.type)) {
      issues.push({
        nodeId: e.to, code: 'ERR_PIPELINE_INVALID', path,
        message: `type mismatch: '${e.from}.${fromPort}' gives ${out.type} items but '${e.to}.${toPort}' accepts ${inp.accepts.join(' or ')}`,
      });
      return;
    }
    const key = `${fi}.${fromPort}>${ti}.${toPort}`;
    if (seenWire.has(key)) { issues.push({ nodeId: e.to, code: 'ERR_PIPELINE_INVALID', path, message: `edge ${k} repeats an earlier edge` }); return; }
    seenWire.add(key);
    connected.add(`${ti}.${toPort}`);
    wires.push({ from: fi, fromPort, to: ti, toPort });
  });

  doc.nodes.forEach((n, i) => {
    const d = defs[i];
    if (!d) return;
    for (const p of d.inputs) {
      if (!connected.has(`${i}.${p.name}`)) {
        issues.push({ nodeId: n.id, code: 'ERR_PIPELINE_INVALID', path: `/nodes/${i}`, message: `input port '${p.name}' of ${d.kind} node '${n.id}' is not connected to anything` });
      }
    }
  });
  if (!doc.nodes.some((n) => n.kind === 'input')) {
    issues.push({ code: 'ERR_PIPELINE_INVALID', path: '/nodes', message: 'a pipeline needs at least one input node' });
  }

  // Kahn's algorithm; whatever is left over sits on a cycle.
  const indeg = doc.nodes.map(() => 0);
  const outs = doc.nodes.map((): number[] => []);
  for (const w of wires) { indeg[w.to]!++; outs[w.from]!.push(w.to); }
  const queue = indeg.flatMap((d, i) => (d === 0 ? [i] : []));
  const order: number[] = [];
  while (queue.length > 0) {
    const i = queue.shift()!;
    order.push(i);
    for (const j of outs[i]!) if (--indeg[j]! === 0) queue.push(j);
  }
  if (order.length < doc.nodes.length) {
    const left = new Set(doc.nodes.map((_, i) => i).filter((i) => !order.includes(i)));
    for (const cycle of findCycles(left, outs)) {
      const names = cycle.map((i) => doc.nodes[i]!.id);
      for (const i of cycle) {
        issues.push({ nodeId: doc.nodes[i]!.id, code: 'ERR_PIPELINE_INVALID', path: `/nodes/${i}`, message: `node is on a cycle: ${[...names, names[0]].join(' → ')}` });
      }
    }
  }
  return { issues, order, wires };
}

/** One concrete cycle per back edge found by depth-first search (for readable messages). */
function findCycles(left: Set<number>, outs: number[][]): number[][] {
  const cycles: number[][] = [];
  const state = new Map<number, 'open' | 'done'>();
  const path: number[] = [];
  const visit = (i: number): void => {
    state.set(i, 'open');
    path.push(i);
    for (const j of outs[i]!) {
      if (!left.has(j)) continue;
      if (state.get(j) === 'open') cycles.push(path.slice(path.indexOf(j)));
      else if (!state.has(j)) visit(j);
    }
    path.pop();
    state.set(i, 'done');
  };
  for (const i of left) if (!state.has(i)) visit(i);
  return cycles;
}
