/**
 * Runs a compiled pipeline over batches of points. Nodes run in topological order; each node gets
 * everything its upstream nodes produced for this batch at once, so per-point overhead is the
 * operator's own work. Operators never mutate their input arrays, so an array is handed to every
 * downstream node without copying. Failures of single points go to the error path (returned per
 * batch, and to the host's dead-letter sink); a node that throws fails only its own share of the batch.
 */
import { performance } from 'node:perf_hooks';
import { OutpostError, isOutpostError, type Point } from '@outpost/contract';
import type { EngineErrorRecord, EngineHost, NodeIO, OperatorDefinition, OperatorInstance, PipelineNode } from '../types.js';
import type { Wire } from '../compiler/graph.js';

export interface PlannedNode {
  node: PipelineNode;
  def: OperatorDefinition;
  instance: OperatorInstance;
  /** Fingerprint of kind, version and config: an unchanged node keeps its state across a hot swap. */
  fingerprint: string;
}

/** What a node did in one call, when tracing is on. */
export interface NodeCallTrace {
  nodeId: string;
  inputs: Record<string, readonly unknown[]>;
  outputs: Record<string, unknown[]>;
  durationMs: number;
  errors: EngineErrorRecord[];
}

export interface BatchResult {
  /** Points in, and per-node error records (each with the item that caused it). */
  points: number;
  errors: EngineErrorRecord[];
  /** Items on output ports that no edge consumes, by node id and port. */
  unconnected: Record<string, Record<string, unknown[]>>;
  durationMs: number;
}

type Phase = { kind: 'batch'; points: readonly Point[] } | { kind: 'tick'; now: number } | { kind: 'flush' };

export class Executor {
  readonly pipelineId: string;
  private readonly outWires: Wire[][];
  private readonly inputIndexes: number[];
  private readonly totals: { calls: number; items: number; durationMs: number; errors: number }[];
  /** When set, every node call is reported here (testPipeline, the dashboard's trace view). */
  onNodeCall: ((t: NodeCallTrace) => void) | undefined;

  constructor(pipelineId: string, readonly nodes: readonly PlannedNode[], readonly order: readonly number[], wires: readonly Wire[], private readonly host: EngineHost) {
    this.pipelineId = pipelineId;
    this.outWires = nodes.map((_, i) => wires.filter((w) => w.from === i));
    this.inputIndexes = nodes.flatMap((n, i) => (n.node.kind === 'input' ? [i] : []));
    this.totals = nodes.map(() => ({ calls: 0, items: 0, durationMs: 0, errors: 0 }));
  }

  /** Push a batch of already-parsed points through the pipeline. */
  process(points: readonly Point[]): Promise<BatchResult> {
    return this.run({ kind: 'batch', points });
  }

  /** Time-driven work (closing windows of quiet keys); call it every second or so with the host clock. */
  tick(now: number = this.host.clock?.now() ?? Date.now()): Promise<BatchResult> {
    return this.run({ kind: 'tick', now });
  }

  /** End of a finite input: emit every open window. */
  flush(): Promise<BatchResult> {
    return this.run({ kind: 'flush' });
  }

  stats(): Record<string, Record<string, number>> {
    const out: Record<string, Record<string, number>> = {};
    this.nodes.forEach((n, i) => { out[n.node.id] = { ...this.totals[i]!, ...(n.instance.stats?.() ?? {}) }; });
    return out;
  }

  dispose(keep: ReadonlySet<OperatorInstance> = new Set()): void {
    for (const n of this.nodes) if (!keep.has(n.instance)) n.instance.dispose?.();
  }

  private async run(phase: Phase): Promise<BatchResult> {
    const t0 = performance.now();
    const inbox: (Map<string, unknown[]> | undefined)[] = new Array(this.nodes.length);
    if (phase.kind === 'batch') for (const i of this.inputIndexes) inbox[i] = new Map([['in', phase.points as unknown[]]]);
    const errors: EngineErrorRecord[] = [];
    const unconnected: BatchResult['unconnected'] = {};

    for (const i of this.order) {
      const planned = this.nodes[i]!;
      const inputs = inbox[i];
      const wantsPhase = (phase.kind === 'tick' && planned.instance.tick) || (phase.kind === 'flush' && planned.instance.flush);
      if (!inputs && !wantsPhase) continue;
      const nodeId = planned.node.id;
      const outputs: Record<string, unknown[]> = {};
      const nodeErrors: EngineErrorRecord[] = [];
      // Ports whose array is someone else's (handed over by emitAll): copied before anything is pushed.
      let borrowed: Set<string> | undefined;
      const io: NodeIO = {
        out: (port) => {
          const cur = outputs[port];
          if (cur === undefined) return (outputs[port] = []);
          if (borrowed?.delete(port)) return (outputs[port] = cur.slice());
          return cur;
        },
        emitAll: (port, list) => {
          const cur = outputs[port];
          if (cur === undefined || cur.length === 0) { outputs[port] = list as unknown[]; (borrowed ??= new Set()).add(port); }
          else { outputs[port] = cur.concat(list); borrowed?.delete(port); }
        },
        error: (err, item) => {
          const rec: EngineErrorRecord = { nodeId, code: err.code, message: err.message };
          if (item !== undefined) rec.item = item;
          if (err.details) rec.details = err.details;
          nodeErrors.push(rec);
        },
      };
      const start = performance.now();
      let items = 0;
      try {
        if (inputs) {
          for (const [port, list] of inputs) {
            items += list.length;
            const r = planned.instance.process(port, list, io);
            if (r) await r;
          }
        }
        if (phase.kind === 'tick') planned.instance.tick?.(phase.now, io);
        else if (phase.kind === 'flush') planned.instance.flush?.(io);
      } catch (e) {
        const err = isOutpostError(e) ? e : new OutpostError('ERR_INTERNAL', `node '${nodeId}' (${planned.def.kind}) failed: ${(e as Error)?.message ?? String(e)}`, undefined, { cause: e });
        io.error(err);
      }
      const durationMs = performance.now() - start;
      const tot = this.totals[i]!;
      tot.calls++; tot.items += items; tot.durationMs += durationMs; tot.errors += nodeErrors.length;
      if (nodeErrors.length > 0) for (const e of nodeErrors) errors.push(e);
      this.onNodeCall?.({ nodeId, inputs: inputs ? Object.fromEntries(inputs) : {}, outputs, durationMs, errors: nodeErrors });
      this.route(i, outputs, inbox, unconnected);
    }
    if (errors.length > 0 && this.host.sinks?.deadLetter) await this.host.sinks.deadLetter.reject(errors);
    return { points: phase.kind === 'batch' ? phase.points.length : 0, errors, unconnected, durationMs: performance.now() - t0 };
  }

  private route(i: number, outputs: Record<string, unknown[]>, inbox: (Map<string, unknown[]> | undefined)[], unconnected: BatchResult['unconnected']): void {
    for (const port in outputs) {
      const list = outputs[port]!;
      if (list.length === 0) continue;
      let used = false;
      for (const w of this.outWires[i]!) {
        if (w.fromPort !== port) continue;
        used = true;
        const box = (inbox[w.to] ??= new Map());
        const prev = box.get(w.toPort);
        box.set(w.toPort, prev ? prev.concat(list) : list);
      }
      if (!used) ((unconnected[this.nodes[i]!.node.id] ??= {})[port] = list);
    }
  }
}
