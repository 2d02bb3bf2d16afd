/**
 * Adapter for the engine's `script` node: the engine calls `compile(source, opts)` at pipeline
 * compile time and `run(points)` per batch (packages/engine/src/types.ts `ScriptRunner`). The
 * shape is declared here structurally because the sandbox must not depend on the engine.
 * `compile` checks what it can synchronously (spec, JavaScript syntax) and starts the sandbox in
 * the background; `run` throws an OutpostError (ERR_SCRIPT_FAILED / ERR_SCRIPT_DISABLED) with the
 * reason and stack in `details`, which the engine routes to the node's error path.
 */
import type ivm from 'isolated-vm';
import { lazyRequire } from '@outpost/contract/lazy';
import type { Point } from '@outpost/contract';
import { OutpostError } from '@outpost/contract';
import { resolveLimits, DEFAULT_SCRIPT_LIMITS } from './limits.js';
import { createScript, type SandboxedScript } from './script.js';
import type { SandboxHooks, SandboxLimits, ScriptLanguage, ScriptResult } from './types.js';
import type { ProcessorRegistry } from './processors/registry.js';

// isolated-vm (a native addon) is loaded by the first script, not by every gateway.
const loadIvm = lazyRequire<typeof ivm>(import.meta.url, 'isolated-vm');

export interface EngineCompiledScript { run(points: readonly Point[]): Promise<Point[]>; dispose(): void }
export interface EngineScriptRunner {
  compile(source: string, opts: { nodeId: string; language: string; timeoutMs: number; memoryMb: number }): EngineCompiledScript;
  processor?(ref: { name: string; version?: string; config: Record<string, unknown> }, opts: { nodeId: string }): Promise<EngineCompiledScript>;
}

export interface EngineScriptRunnerOptions {
  hooks?: SandboxHooks;
  limits?: Partial<SandboxLimits>;
  config?: Record<string, unknown>;
  /** Where `script` nodes with a `processor` reference find it (absent: such nodes are refused). */
  processors?: ProcessorRegistry;
}

/** A script call's result as the engine wants it: the points, or an OutpostError for the error path. */
function pointsOrThrow(r: ScriptResult, nodeId: string, what: string): Point[] {
  if (r.ok) return r.points;
  const code = r.error.reason === 'disabled' ? 'ERR_SCRIPT_DISABLED' : 'ERR_SCRIPT_FAILED';
  throw new OutpostError(code, `${what} ${nodeId} failed (${r.error.reason}): ${r.error.message}`, { reason: r.error.reason, ...(r.error.stack ? { stack: r.error.stack } : {}) });
}

export function createEngineScriptRunner(options: EngineScriptRunnerOptions = {}): EngineScriptRunner {
  const registry = options.processors;
  return {
    ...(registry ? {
      async processor(ref: { name: string; version?: string; config: Record<string, unknown> }, opts: { nodeId: string }): Promise<EngineCompiledScript> {
        const inst = await registry.instantiate(ref.name, { id: opts.nodeId, config: ref.config, ...(ref.version ? { version: ref.version } : {}) });
        return {
          run: async (points) => pointsOrThrow(await inst.run([...points]), opts.nodeId, `processor ${ref.name}@${inst.version} in node`),
          dispose: () => void inst.close(),
        };
      },
    } : {}),
    compile(source, opts) {
      const language = (opts.language === 'js' ? 'javascript' : opts.language === 'py' ? 'python' : opts.language) as ScriptLanguage;
      if (language !== 'javascript' && language !== 'python') {
        throw new OutpostError('ERR_SCRIPT_INVALID', `node ${opts.nodeId}: script language must be javascript or python, got ${JSON.stringify(opts.language)}`);
      }
      const limits = resolveLimits({ ...options.limits, timeoutMs: opts.timeoutMs, memoryMb: opts.memoryMb }, DEFAULT_SCRIPT_LIMITS, `node ${opts.nodeId} limits`);
      if (language === 'javascript') checkSyntax(source, opts.nodeId);
      const started: Promise<SandboxedScript> = createScript(
        { id: opts.nodeId, language, source, limits, ...(options.config ? { config: options.config } : {}) },
        options.hooks ? { hooks: options.hooks } : {},
      );
      started.catch(() => undefined); // surfaced on the first run
      return {
        async run(points) {
          const script = await started;
          return pointsOrThrow(await script.run([...points]), opts.nodeId, 'script');
        },
        dispose() {
          void started.then((s) => s.close(), () => undefined);
        },
      };
    },
  };
}

/** Parses (does not run) JavaScript in a throw-away isolate so a syntax error fails the pipeline compile. */
function checkSyntax(source: string, nodeId: string): void {
  const isolate = new (loadIvm().Isolate)({ memoryLimit: 8 });
  try {
    isolate.compileScriptSync(source, { filename: `script:${nodeId}` }).release();
  } catch (e) {
    throw new OutpostError('ERR_SCRIPT_INVALID', `node ${nodeId}: script does not compile: ${(e as Error).message}`);
  } finally {
    isolate.dispose();
  }
}
