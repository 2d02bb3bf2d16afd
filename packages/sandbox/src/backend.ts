/**
 * The seam between the supervisor (queueing, failure counting, disabling, logging, state) and a
 * concrete sandbox (a V8 isolate or a Pyodide worker). A backend runs one call at a time, enforces
 * time, CPU and memory limits itself, and rebuilds its sandbox after it had to discard it.
 */
import type { SandboxLimits, ScriptFailure } from './types.js';

/** A reply string in the shared protocol (see js/bootstrap.ts), or a failure the backend detected. */
export type BackendOutcome = { ok: true; reply: string } | { ok: false; error: ScriptFailure };

export interface BackendInit {
  source: string;
  /** Script id; used as the file name in stack traces. */
  name: string;
  config: Record<string, unknown>;
  limits: SandboxLimits;
  /** The authoritative state, read whenever the sandbox is (re)built. */
  state: () => Record<string, unknown>;
}

export interface SandboxBackend {
  /** Builds the sandbox and compiles the script; resolves with a compile failure instead of throwing. */
  start(): Promise<ScriptFailure | undefined>;
  /** True when the sandbox also takes plain points as columns (`{ c }`, see columns.ts). */
  readonly columns?: boolean;
  /** One call with a JSON request `{ data, device?, metrics? }` (or columns). Never called concurrently. */
  invoke(request: string): Promise<BackendOutcome>;
  close(): Promise<void>;
}

/** Max log lines one call may emit; more are dropped so logging cannot flood the host. */
export const MAX_LOG_LINES = 100;
