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
import type { SandboxHooks, SandboxLimits, ScriptLanguage } from './types.js';

// isolated-vm (a native addon) is loaded by the first script, not by every gateway.
const loadIvm = lazyRequire<typeof ivm>(import.meta.url, 'isolated-vm');

export interface EngineCompiledScript { run(points: readonly Point[]): Promise<Point[]>; dispose(): void }
export interface EngineScriptRunner {
  compile(source: string, opts: { nodeId: string; language: string; timeoutMs: number; memoryMb: number }): EngineCompiledScript;
}

export function createEngineScriptRunner(options: { hooks?: SandboxHooks; limits?: Partial<SandboxLimits>; config?: Record<string, unknown> } = {}): EngineScriptRunner {
  return {
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
          const r = await script.run([...points]);
          if (r.ok) return r.points;
          const code = r.error.reason === 'disabled' ? 'ERR_SCRIPT_DISABLED' : 'ERR_SCRIPT_FAILED';
          throw new OutpostError(code, `script ${opts.nodeId} failed (${r.error.reason}): ${r.error.message}`, { reason: r.error.reason, ...(r.error.stack ? { stack: r.error.stack } : {}) });
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
