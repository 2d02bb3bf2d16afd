/**
 * A sandboxed script as the engine sees it: calls are queued one at a time onto its backend,
 * failures become typed results (never exceptions), are counted and logged with their stack, and
 * after `maxConsecutiveFailures` failures in a row the script is disabled with an event.
 */
import type { Point } from '@outpost/contract';
import { OutpostError } from '@outpost/contract';
import type { SandboxBackend } from './backend.js';
import { encodeRequest } from './columns.js';
import { IsolateBackend } from './js/isolate-backend.js';
import { DEFAULT_SCRIPT_LIMITS, resolveLimits } from './limits.js';
import { parseReply } from './output.js';
import { PyodideBackend } from './python/pyodide-backend.js';
import { UsageStats, type UsageSnapshot } from './stats.js';
import type { CallContext, SandboxHooks, SandboxLimits, ScriptFailure, ScriptLanguage, ScriptResult, ScriptRunner, ScriptSpec } from './types.js';

export interface CreateScriptOptions {
  /** Defaults the spec's limits are merged over; DEFAULT_SCRIPT_LIMITS unless given. */
  defaults?: Readonly<SandboxLimits>;
  hooks?: SandboxHooks;
  /** Where calls are counted; shared when several instances make up one processor version. */
  usage?: UsageStats;
}

const LANGUAGES: readonly ScriptLanguage[] = ['javascript', 'python'];

/** Validates the spec, builds the sandbox and compiles the script; a compile error throws ERR_SCRIPT_INVALID. */
export async function createScript(spec: ScriptSpec, options: CreateScriptOptions = {}): Promise<SandboxedScript> {
  const where = `script ${JSON.stringify(spec?.id)}`;
  if (typeof spec?.id !== 'string' || spec.id === '') throw new OutpostError('ERR_SCRIPT_INVALID', 'script.id must be a non-empty string', { id: spec?.id });
  if (!LANGUAGES.includes(spec.language)) {
    throw new OutpostError('ERR_SCRIPT_INVALID', `${where}: language must be one of ${LANGUAGES.join(', ')}, got ${JSON.stringify(spec.language)}`);
  }
  if (typeof spec.source !== 'string' || spec.source.trim() === '') throw new OutpostError('ERR_SCRIPT_INVALID', `${where}: source must be non-empty text`);
  const limits = resolveLimits(spec.limits, options.defaults ?? DEFAULT_SCRIPT_LIMITS, `${where} limits`);
  const script = new SandboxedScript(spec, limits, options.hooks ?? {}, options.usage);
  const failure = await script.start();
  if (failure !== undefined) {
    await script.close();
    throw new OutpostError('ERR_SCRIPT_INVALID', `${where} cannot be loaded (${failure.reason}): ${failure.message}`, { reason: failure.reason, stack: failure.stack });
  }
  return script;
}

export class SandboxedScript implements ScriptRunner {
  readonly id: string;
  readonly language: ScriptLanguage;
  readonly limits: SandboxLimits;
  private readonly backend: SandboxBackend;
  private currentState: Record<string, unknown>;
  private tail: Promise<unknown> = Promise.resolve();
  private pending = 0;
  private consecutive = 0;
  private isDisabled = false;
  private readonly usage: UsageStats;

  constructor(spec: ScriptSpec, limits: SandboxLimits, private readonly hooks: SandboxHooks, usage?: UsageStats) {
    this.usage = usage ?? new UsageStats();
    this.id = spec.id;
    this.language = spec.language;
    this.limits = limits;
    this.currentState = { ...(spec.state ?? {}) };
    const init = { source: spec.source, name: spec.id, config: spec.config ?? {}, limits, state: () => this.currentState };
    this.backend = spec.language === 'python' ? new PyodideBackend(init) : new IsolateBackend(init);
  }

  start(): Promise<ScriptFailure | undefined> {
    return this.backend.start();
  }

  get disabled(): boolean {
    return this.isDisabled;
  }

  /** Calls accepted but not finished; a reload waits for this to reach zero before closing. */
  get inFlight(): number {
    return this.pending;
  }

  state(): Record<string, unknown> {
    return structuredClone(this.currentState);
  }

  stats(): UsageSnapshot {
    return this.usage.snapshot();
  }

  enable(): void {
    this.isDisabled = false;
    this.consecutive = 0;
    this.hooks.onEvent?.({ type: 'enabled', scriptId: this.id });
  }

  run(data: Point | Point[], ctx: CallContext = {}): Promise<ScriptResult> {
    this.pending++;
    const result = this.tail.then(() => this.runNow(data, ctx));
    this.tail = result;
    return result.finally(() => this.pending--);
  }

  private async runNow(data: Point | Point[], ctx: CallContext): Promise<ScriptResult> {
    if (this.isDisabled) {
      return { ok: false, error: { reason: 'disabled', message: `script ${this.id} is disabled after ${this.consecutive} consecutive failures` }, logs: [], durationMs: 0 };
    }
    const t0 = performance.now();
    let request: string;
    try {
      request = this.backend.columns === true ? encodeRequest(data, ctx.device, ctx.metrics) : JSON.stringify({ data, device: ctx.device, metrics: ctx.metrics });
    } catch (e) {
      return this.fail({ reason: 'invalid-output', message: `the input cannot be serialised: ${String(e)}` }, [], t0);
    }
    let outcome;
    try {
      outcome = await this.backend.invoke(request);
    } catch (e) {
      // A backend bug or a native failure must still be a result, never a rejected call.
      return this.fail({ reason: 'crashed', message: (e as Error)?.message ?? String(e), ...((e as Error)?.stack ? { stack: (e as Error).stack as string } : {}) }, [], t0);
    }
    if (!outcome.ok) return this.fail(outcome.error, [], t0);
    const parsed = parseReply(outcome.reply, this.limits);
    this.forwardLogs(parsed.logs);
    if (!parsed.ok) return this.fail(parsed.error, parsed.logs, t0);
    if (parsed.state !== undefined) this.currentState = parsed.state;
    this.consecutive = 0;
    const durationMs = performance.now() - t0;
    this.usage.record(durationMs, true);
    return { ok: true, points: parsed.points, logs: parsed.logs, durationMs };
  }

  private fail(error: ScriptFailure, logs: ScriptResult['logs'], t0: number): ScriptResult {
    const durationMs = performance.now() - t0;
    this.usage.record(durationMs, false);
    this.consecutive++;
    this.hooks.log?.('error', `script ${this.id} failed (${error.reason}): ${error.message}`, {
      scriptId: this.id,
      reason: error.reason,
      ...(error.stack !== undefined ? { stack: error.stack } : {}),
    });
    this.hooks.onEvent?.({ type: 'failure', scriptId: this.id, error, consecutive: this.consecutive });
    if (!this.isDisabled && this.consecutive >= this.limits.maxConsecutiveFailures) {
      this.isDisabled = true;
      this.hooks.onEvent?.({ type: 'disabled', scriptId: this.id, error, consecutive: this.consecutive });
    }
    return { ok: false, error, logs, durationMs };
  }

  private forwardLogs(logs: ScriptResult['logs']): void {
    if (this.hooks.log === undefined) return;
    for (const line of logs) this.hooks.log(line.level, line.message, { scriptId: this.id });
  }

  /** Resolves once every accepted call has finished. */
  async drain(): Promise<void> {
    while (this.pending > 0) await this.tail.catch(() => undefined);
  }

  async close(): Promise<void> {
    await this.drain();
    await this.backend.close();
  }
}
