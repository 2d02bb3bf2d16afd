/**
 * Hot reload: a runner whose script can be replaced while calls are in flight. Calls already
 * accepted finish on the version that accepted them (the old sandbox is closed only after its
 * queue drains); calls after the swap go to the new version. No point is lost or run twice.
 */
import type { Point } from '@outpost/contract';
import { createScript, type CreateScriptOptions, type SandboxedScript } from './script.js';
import type { CallContext, ScriptLanguage, ScriptResult, ScriptRunner, ScriptSpec } from './types.js';

export class ReloadableScript implements ScriptRunner {
  constructor(private current: SandboxedScript, private readonly options: CreateScriptOptions = {}) {}

  get id(): string {
    return this.current.id;
  }

  get language(): ScriptLanguage {
    return this.current.language;
  }

  get disabled(): boolean {
    return this.current.disabled;
  }

  /** The script now taking new calls. */
  get active(): SandboxedScript {
    return this.current;
  }

  run(data: Point | Point[], ctx?: CallContext): Promise<ScriptResult> {
    return this.current.run(data, ctx);
  }

  state(): Record<string, unknown> {
    return this.current.state();
  }

  enable(): void {
    this.current.enable();
  }

  /**
   * Compiles `spec` (state carried over unless the spec brings its own) and swaps it in. A spec
   * that does not compile throws ERR_SCRIPT_INVALID and the running version stays.
   */
  async reload(spec: ScriptSpec, version?: string, options: CreateScriptOptions = this.options): Promise<void> {
    const next = await createScript({ ...spec, state: spec.state ?? this.current.state() }, options);
    await this.swap(next, version);
  }

  /** Swaps in an already started script; resolves when the previous one has drained and closed. */
  async swap(next: SandboxedScript, version?: string): Promise<void> {
    const old = this.current;
    this.current = next;
    this.options.hooks?.onEvent?.({ type: 'reloaded', scriptId: next.id, ...(version !== undefined ? { version } : {}) });
    await old.close();
  }

  async close(): Promise<void> {
    await this.current.close();
  }
}
