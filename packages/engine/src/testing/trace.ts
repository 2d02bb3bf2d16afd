/**
 * The JSON trace of a pipeline run (documented in docs/engine.md): per node, what went in, what
 * came out on each port, how long it took, and every error with the point that caused it.
 * Item samples are capped per port so a trace of a large replay stays small; counts are exact.
 */
import type { EngineErrorRecord, PipelineDocument } from '../types.js';
import type { NodeCallTrace } from '../runtime/executor.js';

export const TRACE_FORMAT = 'outpost.pipeline-trace';
export const TRACE_FORMAT_VERSION = 1;

export interface TracePort { count: number; items: unknown[] }

export interface NodeTrace {
  id: string;
  kind: string;
  typeVersion: number;
  calls: number;
  durationMs: number;
  in: Record<string, TracePort>;
  out: Record<string, TracePort>;
  errors: EngineErrorRecord[];
  errorCount: number;
}

export interface PipelineTrace {
  format: typeof TRACE_FORMAT;
  formatVersion: typeof TRACE_FORMAT_VERSION;
  pipelineId: string;
  points: number;
  durationMs: number;
  /** True when some item or error samples were cut at `maxItemsPerPort`. */
  truncated: boolean;
  maxItemsPerPort: number;
  nodes: NodeTrace[];
}

export class TraceRecorder {
  readonly trace: PipelineTrace;
  private readonly byId = new Map<string, NodeTrace>();

  constructor(doc: PipelineDocument, private readonly maxItems: number) {
    const nodes = doc.nodes.map((n): NodeTrace => ({ id: n.id, kind: n.kind, typeVersion: n.typeVersion, calls: 0, durationMs: 0, in: {}, out: {}, errors: [], errorCount: 0 }));
    for (const n of nodes) this.byId.set(n.id, n);
    this.trace = { format: TRACE_FORMAT, formatVersion: TRACE_FORMAT_VERSION, pipelineId: doc.id, points: 0, durationMs: 0, truncated: false, maxItemsPerPort: maxItems, nodes };
  }

  record = (call: NodeCallTrace): void => {
    const n = this.byId.get(call.nodeId);
    if (!n) return;
    n.calls++;
    n.durationMs += call.durationMs;
    for (const [port, items] of Object.entries(call.inputs)) this.add((n.in[port] ??= { count: 0, items: [] }), items);
    for (const [port, items] of Object.entries(call.outputs)) this.add((n.out[port] ??= { count: 0, items: [] }), items);
    n.errorCount += call.errors.length;
    for (const e of call.errors) {
      if (n.errors.length < this.maxItems) n.errors.push(e);
      else this.trace.truncated = true;
    }
  };

  private add(p: TracePort, items: readonly unknown[]): void {
    p.count += items.length;
    const room = this.maxItems - p.items.length;
    if (items.length > room) this.trace.truncated = true;
    for (let i = 0; i < Math.min(room, items.length); i++) p.items.push(items[i]);
  }
}
