/**
 * Types shared by the engine and the operators: the pipeline document, ports, operator
 * definitions and the host-provided interfaces (clock, logger, sinks, runners). The engine does
 * no I/O of its own — everything that leaves the process goes through a sink given by the host.
 */
import type { OutpostError, Point } from '@outpost/contract';
import type { Rollup } from './windows/rollup-row.js';

export type { Rollup } from './windows/rollup-row.js';

/** What flows on a port: raw/derived points, or window results (rollup rows). */
export type PortType = 'point' | 'rollup';

export interface InputPortSpec { name: string; accepts: readonly PortType[] }
export interface OutputPortSpec { name: string; type: PortType; doc?: string }

export interface PipelineNode {
  id: string;
  kind: string;
  /** Operator version the node was written against; the registry keeps old versions. */
  typeVersion: number;
  name?: string;
  config?: Record<string, unknown>;
}

export interface PipelineEdge {
  from: string;
  /** Output port of `from`; default `out`. */
  fromPort?: string;
  to: string;
  /** Input port of `to`; default `in`. */
  toPort?: string;
}

export interface PipelineDocument {
  /** Version of the document format itself (not of the pipeline). */
  schemaVersion: 1;
  id: string;
  name?: string;
  description?: string;
  nodes: PipelineNode[];
  edges: PipelineEdge[];
}

export interface Clock { now(): number }
export interface Logger {
  debug?(obj: object, msg?: string): void;
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

// ---- host-provided sinks: the engine hands items over and never blocks on I/O ----
export type OutputItem = Point | Rollup;
export type PriorityClass = 'critical' | 'high' | 'normal' | 'bulk';
export const PRIORITY_CLASSES: readonly PriorityClass[] = ['critical', 'high', 'normal', 'bulk'];

export interface StoreSink { write(table: string, items: readonly OutputItem[], meta: SinkMeta): void | Promise<void> }
export interface OutboxSink { enqueue(priority: PriorityClass, items: readonly OutputItem[], meta: SinkMeta): void | Promise<void> }
export interface MqttSink {
  publish(messages: readonly { topic: string; payload: OutputItem; qos: 0 | 1 | 2; retain: boolean }[], meta: SinkMeta): void | Promise<void>;
}
export interface WebhookSink { post(url: string, items: readonly OutputItem[], meta: SinkMeta & { headers: Record<string, string> }): void | Promise<void> }
export interface AlertEvent {
  pipelineId: string;
  nodeId: string;
  rule: string;
  severity: 'info' | 'warning' | 'critical';
  message: string;
  ts: number;
  item: OutputItem;
}
export interface AlertSink { raise(events: readonly AlertEvent[]): void | Promise<void> }
/** Where failed points go ("never silently dropped"); optional, errors are also returned per batch. */
export interface DeadLetterSink { reject(errors: readonly EngineErrorRecord[]): void | Promise<void> }
export interface SinkMeta { pipelineId: string; nodeId: string }

export interface Sinks {
  store?: StoreSink;
  outbox?: OutboxSink;
  mqtt?: MqttSink;
  webhook?: WebhookSink;
  alert?: AlertSink;
  deadLetter?: DeadLetterSink;
}

// ---- pluggable runners (the sandbox and ML packages implement these) ----
export interface ScriptRunner {
  /** Compile once at pipeline compile time; throw (or reject) with an OutpostError for bad source. */
  compile(source: string, opts: { nodeId: string; language: string; timeoutMs: number; memoryMb: number }): CompiledScript | Promise<CompiledScript>;
  /**
   * A registered processor by name (the active version, or `version` pinned) with `config` checked
   * against its manifest's schema; throw (or reject) with an OutpostError when it is unknown or the
   * config does not fit. Absent: the host has no processor registry.
   */
  processor?(ref: ProcessorRef, opts: { nodeId: string }): CompiledScript | Promise<CompiledScript>;
}
export interface ProcessorRef { name: string; version?: string; config: Record<string, unknown> }
export interface CompiledScript { run(points: readonly Point[]): Point[] | Promise<Point[]>; dispose?(): void }
export interface ModelRunner {
  load(ref: { modelId: string; version: string; nodeId: string }): LoadedModel | Promise<LoadedModel>;
}
export interface LoadedModel {
  /** Returns one output point per input point (e.g. an anomaly score), or fewer. */
  predict(points: readonly Point[], opts: { outputMetric: string }): Point[] | Promise<Point[]>;
  dispose?(): void;
}

export interface EngineLimits {
  /** Cap on keys (device+metric) any one stateful node keeps; default 100 000. */
  maxKeysPerNode: number;
  /** Points stamped further ahead of the host clock than this are rejected (clock jump); default 5 min. */
  maxFutureSkewMs: number;
}
export const DEFAULT_LIMITS: EngineLimits = { maxKeysPerNode: 100_000, maxFutureSkewMs: 5 * 60_000 };

export interface EngineHost {
  clock?: Clock;
  logger?: Logger;
  sinks?: Sinks;
  scriptRunner?: ScriptRunner;
  modelRunner?: ModelRunner;
  limits?: Partial<EngineLimits>;
  /** Device type of a device, for input nodes that match by type (else the point's `deviceType` tag is used). */
  deviceTypeOf?: (device: string) => string | undefined;
  /** How to enable a sink this host leaves out (e.g. the config key); added to the compile error of nodes that need it. */
  missingSinkHints?: Partial<Record<keyof Sinks, string>>;
}

/** One failed point (or one failed node call), as returned per batch and written to the trace. */
export interface EngineErrorRecord {
  nodeId: string;
  code: string;
  message: string;
  item?: unknown;
  details?: Record<string, unknown>;
}

// ---- operators ----
export interface NodeIO {
  /** The output array for a port; push items onto it. */
  out(port: string): unknown[];
  /** Hand a whole array to a port without copying (pass-through); the array must not be changed later. */
  emitAll(port: string, items: readonly unknown[]): void;
  /** Send one item (or a whole-call failure) to the error path. */
  error(err: OutpostError, item?: unknown): void;
}

export interface CompileIssue {
  nodeId?: string;
  code: 'ERR_PIPELINE_INVALID' | 'ERR_PIPELINE_EXPRESSION' | 'ERR_PIPELINE_UNSUPPORTED';
  message: string;
  /** JSON pointer into the document, when the issue is about a document field. */
  path?: string;
  /** 1-based character position inside an expression. */
  position?: number;
}

export interface OperatorContext {
  pipelineId: string;
  nodeId: string;
  clock: Clock;
  logger: Logger;
  host: EngineHost;
  limits: EngineLimits;
  /** Record a compile-time problem; compilation goes on so that every problem is reported. */
  report(issue: Omit<CompileIssue, 'nodeId'>): void;
}

export interface OperatorInstance {
  /** Async setup (a sandbox or model loading); compilePipelineAsync reports a rejection as a compile problem. */
  ready?: Promise<void>;
  process(port: string, items: readonly unknown[], io: NodeIO): void | Promise<void>;
  /** Time-driven work (closing idle windows); `now` is the host clock. */
  tick?(now: number, io: NodeIO): void;
  /** End of a finite input (tests, replay): emit whatever is still open. */
  flush?(io: NodeIO): void;
  /** Counters for metrics and traces (keys held, points rejected, …). */
  stats?(): Record<string, number>;
  dispose?(): void;
}

export interface OperatorDefinition {
  kind: string;
  typeVersion: number;
  title: string;
  description: string;
  /** JSON Schema (draft 2020-12 subset) of the node's `config`. */
  configSchema: Record<string, unknown>;
  inputs: readonly InputPortSpec[];
  outputs: readonly OutputPortSpec[];
  create(config: Record<string, unknown>, ctx: OperatorContext): OperatorInstance;
}

/** The explicit list of operators a compiler knows, looked up by kind and version. */
export interface OperatorRegistry {
  get(kind: string, typeVersion: number): OperatorDefinition | undefined;
  versions(kind: string): number[];
  all(): readonly OperatorDefinition[];
}

export function createRegistry(defs: readonly OperatorDefinition[]): OperatorRegistry {
  const byKey = new Map<string, OperatorDefinition>();
  for (const d of defs) {
    const key = `${d.kind}@${d.typeVersion}`;
    if (byKey.has(key)) throw new Error(`operator ${key} registered twice`);
    byKey.set(key, d);
  }
  return {
    get: (kind, v) => byKey.get(`${kind}@${v}`),
    versions: (kind) => defs.filter((d) => d.kind === kind).map((d) => d.typeVersion).sort((a, b) => a - b),
    all: () => defs,
  };
}
