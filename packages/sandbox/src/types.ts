/**
 * Shared shapes of the sandbox: what a script receives, what a call returns, which limits apply.
 * A call never throws for a script's misbehaviour: it returns a typed error result so the engine
 * can route the input to the pipeline's error path with the reason.
 */
import type { Point } from '@outpost/contract';

export type ScriptLanguage = 'javascript' | 'python';

/** Limits of one script or processor; every field is configurable per script. */
export interface SandboxLimits {
  /** Wall-clock time one call may take, including awaited promises. */
  timeoutMs: number;
  /** CPU time one call may use inside the sandbox (JavaScript: measured by V8 per isolate). */
  cpuTimeMs: number;
  /** Heap of the sandbox in MB (JavaScript isolate heap; Python: WebAssembly memory cap). */
  memoryMb: number;
  /** Serialised size of one call's output (points, state and log lines together). */
  maxOutputBytes: number;
  /** Number of points one call may emit. */
  maxOutputPoints: number;
  /** Consecutive failed calls after which the script is disabled (with an event). */
  maxConsecutiveFailures: number;
}

/** Why a call did not produce output. */
export type ScriptFailureReason =
  | 'compile' // the source does not parse or does not define `process`
  | 'runtime' // the script threw
  | 'timeout' // wall-clock limit
  | 'cpu' // CPU-time limit
  | 'memory' // heap limit; the sandbox was discarded and is rebuilt for the next call
  | 'output' // output larger than maxOutputBytes / maxOutputPoints
  | 'invalid-input' // a processor's input does not match its inputSchema
  | 'invalid-output' // output is not a point, an array of points or nothing (or fails outputSchema)
  | 'disabled' // the script was disabled after too many consecutive failures
  | 'crashed'; // the sandbox itself went away (worker exit); rebuilt for the next call

export interface ScriptFailure {
  reason: ScriptFailureReason;
  message: string;
  /** Stack trace inside the sandbox, where one exists. */
  stack?: string;
}

export interface ScriptLogLine {
  level: 'debug' | 'info' | 'warn' | 'error';
  message: string;
}

/** Result of one call: the output points, or a typed failure. Never thrown. */
export type ScriptResult =
  | { ok: true; points: Point[]; logs: ScriptLogLine[]; durationMs: number }
  | { ok: false; error: ScriptFailure; logs: ScriptLogLine[]; durationMs: number };

/** Metadata handed to a call as `context.device` / `context.metrics`; plain JSON. */
export interface DeviceInfo {
  id: string;
  [key: string]: unknown;
}

export interface MetricInfo {
  unit?: string;
  description?: string;
  min?: number;
  max?: number;
  [key: string]: unknown;
}

/** Per-call context the host supplies; config, state, previous values and the logger are per script. */
export interface CallContext {
  device?: DeviceInfo;
  metrics?: Record<string, MetricInfo>;
}

/** Definition of a script; `config` is visible as `context.config`. */
export interface ScriptSpec {
  /** Stable id, used in logs, events and statistics. */
  id: string;
  language: ScriptLanguage;
  /** Source defining `function process(data, context)` (Python: `def process(data, context)`). */
  source: string;
  config?: Record<string, unknown>;
  limits?: Partial<SandboxLimits>;
  /** Initial per-script key-value state (e.g. restored from disk). */
  state?: Record<string, unknown>;
}

export type ScriptEvent =
  | { type: 'failure'; scriptId: string; error: ScriptFailure; consecutive: number }
  | { type: 'disabled'; scriptId: string; error: ScriptFailure; consecutive: number }
  | { type: 'enabled'; scriptId: string }
  | { type: 'reloaded'; scriptId: string; version?: string };

/** Where a runner reports; all optional. */
export interface SandboxHooks {
  onEvent?: (event: ScriptEvent) => void;
  /** Script log lines and failures (with stack) are forwarded here. */
  log?: (level: ScriptLogLine['level'], message: string, fields: Record<string, unknown>) => void;
}

/**
 * What a pipeline `script` node calls. `data` is one point or a batch; the result lists the
 * output points (zero = dropped) or a failure for the error path.
 */
export interface ScriptRunner {
  readonly id: string;
  readonly language: ScriptLanguage;
  run(data: Point | Point[], ctx?: CallContext): Promise<ScriptResult>;
  /** Current per-script state (a copy). */
  state(): Record<string, unknown>;
  readonly disabled: boolean;
  /** Re-enable after the user fixed the cause; resets the failure counter. */
  enable(): void;
  close(): Promise<void>;
}
