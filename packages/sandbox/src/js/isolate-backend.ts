/**
 * JavaScript in a separate V8 isolate (isolated-vm): its own heap with a hard cap, no Node APIs,
 * and calls that execute on isolated-vm's own thread, so an endless loop never holds the Node
 * event loop. Only strings cross the boundary (see bootstrap.ts).
 *
 * Limits: isolated-vm's `timeout` stops synchronous runs and microtask loops; a watchdog timer on
 * the host checks wall-clock and CPU time (V8's per-isolate counter) and disposes the isolate when
 * either is exceeded — that also ends calls waiting on a promise that never settles. A disposed
 * isolate is rebuilt lazily for the next call with the last committed state.
 */
import type ivm from 'isolated-vm';
import { lazyRequire } from '@outpost/contract/lazy';
import type { BackendInit, BackendOutcome, SandboxBackend } from '../backend.js';
import { MAX_LOG_LINES } from '../backend.js';
import { MIN_COLUMN_POINTS } from '../columns.js';
import type { ScriptFailure, ScriptFailureReason } from '../types.js';
import { PRELUDE, WRAPPER } from './bootstrap.js';
import { COLUMNS_CODEC } from './columns-codec.js';

// isolated-vm (a native addon) is loaded by the first script, not by every gateway.
const loadIvm = lazyRequire<typeof ivm>(import.meta.url, 'isolated-vm');

type CallFn = (request: string) => string | Promise<string>;

export class IsolateBackend implements SandboxBackend {
  readonly columns = true;
  private isolate: ivm.Isolate | undefined;
  private call: ivm.Reference<CallFn> | undefined;
  private closed = false;

  constructor(private readonly init: BackendInit) {}

  async start(): Promise<ScriptFailure | undefined> {
    try {
      await this.build();
      return undefined;
    } catch (e) {
      const failure = this.failureOf(e, undefined);
      this.discard();
      return failure.reason === 'crashed' ? { ...failure, reason: 'compile' } : failure;
    }
  }

  private async build(): Promise<void> {
    const { limits, source, name, config, state } = this.init;
    const isolate = new (loadIvm().Isolate)({
      memoryLimit: limits.memoryMb,
      // V8 lost control of the isolate; it is unusable. Drop it so the next call rebuilds.
      onCatastrophicError: () => this.discard(),
    });
    this.isolate = isolate;
    const timeout = limits.timeoutMs;
    const context = await isolate.createContext();
    await (await isolate.compileScript(PRELUDE, { filename: 'outpost:prelude' })).run(context, { timeout });
    await (await isolate.compileScript(COLUMNS_CODEC, { filename: 'outpost:columns' })).run(context, { timeout });
    // The script's top level runs once here, under the same time limit as a call.
    await (await isolate.compileScript(source, { filename: `script:${name}` })).run(context, { timeout });
    const factory = await (await isolate.compileScript(WRAPPER, { filename: 'outpost:wrapper' })).run(context, { reference: true, timeout });
    this.call = (await factory.apply(undefined, [JSON.stringify(state()), JSON.stringify(config), MAX_LOG_LINES, limits.maxOutputBytes, /\bprevious\b/.test(source), MIN_COLUMN_POINTS], {
      result: { reference: true },
      timeout,
    })) as ivm.Reference<CallFn>;
    factory.release();
  }

  async invoke(request: string): Promise<BackendOutcome> {
    if (this.closed) return { ok: false, error: { reason: 'crashed', message: 'the sandbox is closed' } };
    if (this.call === undefined) {
      const failure = await this.start();
      if (failure !== undefined) return { ok: false, error: failure };
    }
    const isolate = this.isolate as ivm.Isolate;
    const call = this.call as ivm.Reference<CallFn>;
    const { timeoutMs, cpuTimeMs } = this.init.limits;
    const cpu0 = isolate.cpuTime;
    const t0 = performance.now();
    let killed: ScriptFailureReason | undefined;
    const cpuMs = () => Number(isolate.cpuTime - cpu0) / 1e6;
    const check = () => {
      if (isolate.isDisposed) return;
      const cpu = cpuMs();
      const wall = performance.now() - t0;
      if (cpu > cpuTimeMs) killed = 'cpu';
      else if (wall >= timeoutMs) killed = 'timeout';
      if (killed !== undefined) {
        isolate.dispose();
        return;
      }
      // CPU time never runs ahead of wall time, so the next possible breach is this far away.
      watchdog = setTimeout(check, Math.max(1, Math.min(cpuTimeMs - cpu, timeoutMs - wall)));
    };
    let watchdog = setTimeout(check, Math.min(cpuTimeMs, timeoutMs));
    try {
      const reply = await call.apply(undefined, [request], { timeout: timeoutMs, result: { promise: true } });
      if (!isolate.isDisposed && cpuMs() > cpuTimeMs) {
        return { ok: false, error: { reason: 'cpu', message: `CPU time ${cpuMs().toFixed(1)} ms exceeds the limit of ${cpuTimeMs} ms` } };
      }
      if (typeof reply !== 'string') return { ok: false, error: { reason: 'crashed', message: 'the sandbox returned no reply' } };
      return { ok: true, reply };
    } catch (e) {
      const failure = this.failureOf(e, killed);
      if (isolate.isDisposed) this.discard();
      return { ok: false, error: failure };
    } finally {
      clearTimeout(watchdog);
    }
  }

  private failureOf(e: unknown, killed: ScriptFailureReason | undefined): ScriptFailure {
    const { timeoutMs, cpuTimeMs, memoryMb } = this.init.limits;
    const message = e instanceof Error ? e.message : String(e);
    const stack = e instanceof Error ? e.stack : undefined;
    if (killed === 'cpu') return { reason: 'cpu', message: `CPU time limit of ${cpuTimeMs} ms exceeded; the script was stopped` };
    if (killed === 'timeout' || /timed out/i.test(message)) {
      return { reason: 'timeout', message: `wall-clock limit of ${timeoutMs} ms exceeded; the script was stopped` };
    }
    if (/memory limit/i.test(message) || (this.isolate?.isDisposed === true && /disposed/i.test(message))) {
      return { reason: 'memory', message: `memory limit of ${memoryMb} MB exceeded; the sandbox was discarded` };
    }
    if (e instanceof SyntaxError || /SyntaxError/.test(String(stack))) return { reason: 'compile', message, ...(stack ? { stack } : {}) };
    return { reason: 'crashed', message, ...(stack ? { stack } : {}) };
  }

  private discard(): void {
    const isolate = this.isolate;
    this.call = undefined;
    this.isolate = undefined;
    if (isolate !== undefined && !isolate.isDisposed) isolate.dispose();
  }

  async close(): Promise<void> {
    this.closed = true;
    this.discard();
  }
}
