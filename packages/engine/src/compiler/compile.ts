/**
 * Pipeline compiler: document → executor. Runs every check (schema, operator configs, graph,
 * expressions, host capabilities) and reports all problems at once, each with its node id.
 */
import { OutpostError } from '@outpost/contract';
import {
  DEFAULT_LIMITS, type CompileIssue, type EngineHost, type Logger, type OperatorDefinition, type OperatorInstance,
  type OperatorRegistry, type PipelineDocument,
} from '../types.js';
import { validateDocument } from '../document/validate.js';
import { checkGraph } from './graph.js';
import { Executor, type PlannedNode } from '../runtime/executor.js';
import { canonicalJson } from '../canonical.js';

export interface CompileOptions {
  operators: OperatorRegistry;
  host?: EngineHost;
  /** A running executor whose unchanged nodes (same id, kind, version, config) hand over their state. */
  reuse?: Executor;
}

const silentLogger: Logger = { info() {}, warn() {}, error() {} };

/** All problems of a document, without building anything that runs. */
export function checkPipeline(doc: unknown, opts: CompileOptions): CompileIssue[] {
  const r = plan(doc, { ...opts, reuse: undefined });
  for (const n of r.nodes ?? []) n.instance.dispose?.();
  return r.issues;
}

/** Compile or throw an OutpostError whose `details.issues` lists every problem. */
export function compilePipeline(doc: unknown, opts: CompileOptions): Executor {
  const r = plan(doc, opts);
  if (r.issues.length > 0 || !r.executor) {
    for (const n of r.nodes ?? []) if (!r.reused?.has(n.instance)) n.instance.dispose?.();
    throw pipelineError(doc, r.issues);
  }
  return r.executor;
}

/**
 * Compile and wait for nodes with async setup (script sandboxes, models); a setup failure is
 * reported like any other compile problem and nothing is left running.
 */
export async function compilePipelineAsync(doc: unknown, opts: CompileOptions): Promise<Executor> {
  const ex = compilePipeline(doc, opts);
  const issues: CompileIssue[] = [];
  await Promise.all(ex.nodes.map(async (n, i) => {
    try {
      await n.instance.ready;
    } catch (e) {
      issues.push({ nodeId: n.node.id, code: 'ERR_PIPELINE_INVALID', path: `/nodes/${i}/config`, message: `${n.node.kind} node cannot start: ${(e as Error)?.message ?? String(e)}` });
    }
  }));
  if (issues.length > 0) {
    ex.dispose();
    throw pipelineError(doc, issues);
  }
  return ex;
}

export function pipelineError(doc: unknown, issues: CompileIssue[]): OutpostError {
  const id = typeof (doc as { id?: unknown })?.id === 'string' ? (doc as { id: string }).id : '(no id)';
  const codes = new Set(issues.map((i) => i.code));
  const code = codes.size === 1 ? [...codes][0]! : 'ERR_PIPELINE_INVALID';
  const lines = issues.map(formatIssue);
  return new OutpostError(code, `pipeline '${id}' has ${issues.length} problem${issues.length === 1 ? '' : 's'}: ${lines.join('; ')}`, { issues });
}

export function formatIssue(i: CompileIssue): string {
  return `${i.nodeId ? `node '${i.nodeId}': ` : ''}${i.message}${i.position !== undefined ? ` (at position ${i.position})` : ''}`;
}

function plan(doc: unknown, opts: CompileOptions): { issues: CompileIssue[]; nodes?: PlannedNode[]; executor?: Executor; reused?: Set<OperatorInstance> } {
  const { issues, envelopeOk } = validateDocument(doc, opts.operators);
  if (!envelopeOk) return { issues };
  const d = doc as PipelineDocument;
  const defs = d.nodes.map((n) => opts.operators.get(n.kind, n.typeVersion));
  const graph = checkGraph(d, defs);
  issues.push(...graph.issues);

  const host = opts.host ?? {};
  const limits = { ...DEFAULT_LIMITS, ...host.limits };
  const clock = host.clock ?? { now: () => Date.now() };
  const logger = host.logger ?? silentLogger;
  const old = new Map(opts.reuse?.nodes.map((n) => [n.node.id, n]) ?? []);
  const reused = new Set<OperatorInstance>();
  const nodes: PlannedNode[] = [];
  d.nodes.forEach((node, i) => {
    const def = defs[i] as OperatorDefinition | undefined;
    if (!def) return;
    const config = node.config ?? {};
    const fingerprint = `${node.kind}@${node.typeVersion}:${canonicalJson(config)}`;
    const prior = old.get(node.id);
    if (prior && prior.fingerprint === fingerprint) {
      reused.add(prior.instance);
      nodes[i] = { node, def, instance: prior.instance, fingerprint };
      return;
    }
    // A config that failed its schema is not handed to the operator (it may assume the shape).
    if (issues.some((x) => x.nodeId === node.id && x.path?.startsWith(`/nodes/${i}/config`))) return;
    const ctx = {
      pipelineId: d.id, nodeId: node.id, clock, logger, host, limits,
      report: (x: Omit<CompileIssue, 'nodeId'>) => { issues.push({ ...x, nodeId: node.id, path: `/nodes/${i}${x.path ?? ''}` }); },
    };
    try {
      nodes[i] = { node, def, instance: def.create(config, ctx), fingerprint };
    } catch (e) {
      issues.push({ nodeId: node.id, code: 'ERR_PIPELINE_INVALID', path: `/nodes/${i}`, message: `cannot build ${node.kind} node: ${(e as Error)?.message ?? String(e)}` });
    }
  });
  if (issues.length > 0) return { issues, nodes: nodes.filter(Boolean), reused };
  const executor = new Executor(d.id, nodes, graph.order, graph.wires, host);
  opts.reuse?.dispose(reused);
  return { issues, nodes, executor, reused };
}
