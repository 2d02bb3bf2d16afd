/**
 * Run a pipeline document over a finite list of points with recording sinks, and return what
 * each output node received plus a per-node trace. This is what `POST /v1/pipelines/test` and
 * `outpost pipeline test` call; the same executor runs live, so a passing test means the same
 * behaviour on the gateway.
 */
import type { Point } from '@outpost/contract';
import type {
  AlertEvent, Clock, CompileIssue, EngineErrorRecord, EngineHost, EngineLimits, ModelRunner, OperatorRegistry,
  OutputItem, PipelineDocument, ScriptRunner, Sinks,
} from '../types.js';
import { checkPipeline, compilePipelineAsync } from '../compiler/compile.js';
import { isOutpostError } from '@outpost/contract';
import { TraceRecorder, type PipelineTrace } from './trace.js';
import { performance } from 'node:perf_hooks';

export interface TestOptions {
  operators: OperatorRegistry;
  /** Default: a clock standing at the newest point's timestamp, so recorded data is never "from the future". */
  clock?: Clock;
  scriptRunner?: ScriptRunner;
  modelRunner?: ModelRunner;
  limits?: Partial<EngineLimits>;
  /** Points per batch; default all at once. */
  batchSize?: number;
  /** Emit open windows at the end (default true). */
  flush?: boolean;
  /** Cap on sampled items per port in the trace (default 1000). */
  maxItemsPerPort?: number;
}

export interface RecordedOutput {
  kind: 'store' | 'outbox' | 'mqtt' | 'webhook' | 'alert';
  /** Table, priority class, topic(s) or URL. */
  targets: string[];
  items: unknown[];
}

export interface TestResult {
  ok: boolean;
  /** Compile problems (then nothing ran). */
  issues: CompileIssue[];
  /** What each output/alert node handed to its sink, by node id. */
  outputs: Record<string, RecordedOutput>;
  errors: EngineErrorRecord[];
  trace: PipelineTrace | null;
}

export async function testPipeline(doc: unknown, points: readonly Point[], opts: TestOptions): Promise<TestResult> {
  const outputs: Record<string, RecordedOutput> = {};
  const rec = (nodeId: string, kind: RecordedOutput['kind'], target: string, items: readonly unknown[]) => {
    const o = (outputs[nodeId] ??= { kind, targets: [], items: [] });
    if (!o.targets.includes(target)) o.targets.push(target);
    o.items.push(...items);
  };
  const sinks: Sinks = {
    store: { write: (table, items, m) => rec(m.nodeId, 'store', table, items) },
    outbox: { enqueue: (priority, items, m) => rec(m.nodeId, 'outbox', priority, items) },
    mqtt: { publish: (msgs, m) => { for (const x of msgs) rec(m.nodeId, 'mqtt', x.topic, [x.payload]); } },
    webhook: { post: (url, items, m) => rec(m.nodeId, 'webhook', url, items) },
    alert: { raise: (events: readonly AlertEvent[]) => { for (const e of events) rec(e.nodeId, 'alert', e.rule, [e]); } },
  };
  let maxTs = -Infinity;
  for (const p of points) if (p.ts > maxTs) maxTs = p.ts;
  const clock = opts.clock ?? { now: () => (Number.isFinite(maxTs) ? maxTs : 0) };
  const host: EngineHost = { clock, sinks };
  if (opts.scriptRunner) host.scriptRunner = opts.scriptRunner;
  if (opts.modelRunner) host.modelRunner = opts.modelRunner;
  if (opts.limits) host.limits = opts.limits;

  const issues = checkPipeline(doc, { operators: opts.operators, host });
  if (issues.length > 0) return { ok: false, issues, outputs, errors: [], trace: null };
  let executor;
  try {
    executor = await compilePipelineAsync(doc, { operators: opts.operators, host });
  } catch (e) {
    if (isOutpostError(e) && Array.isArray(e.details?.issues)) return { ok: false, issues: e.details.issues as CompileIssue[], outputs, errors: [], trace: null };
    throw e;
  }
  const recorder = new TraceRecorder(doc as PipelineDocument, opts.maxItemsPerPort ?? 1000);
  executor.onNodeCall = recorder.record;
  const errors: EngineErrorRecord[] = [];
  const t0 = performance.now();
  const size = opts.batchSize ?? Math.max(points.length, 1);
  try {
    for (let i = 0; i < points.length; i += size) errors.push(...(await executor.process(points.slice(i, i + size))).errors);
    if (opts.flush ?? true) errors.push(...(await executor.flush()).errors);
  } finally {
    executor.dispose();
  }
  recorder.trace.points = points.length;
  recorder.trace.durationMs = performance.now() - t0;
  return { ok: true, issues: [], outputs, errors, trace: recorder.trace };
}
