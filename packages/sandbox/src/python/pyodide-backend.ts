/**
 * Python scripts in Pyodide (CPython compiled to WebAssembly), one locked-down child process per
 * script (see pyodide-child.mjs for why a process and not a worker thread). The wasm binary and
 * the standard library ship inside the `pyodide` npm package, so nothing is downloaded.
 *
 * Limits: wall clock — the child is killed (SIGKILL) and rebuilt for the next call, which costs a
 * Pyodide start (seconds); CPU time — a watchdog reads the child's CPU time from /proc while a call
 * runs (Linux; elsewhere the child's own measurement is checked after the call); memory — WebAssembly growth is capped at
 * `memoryMb` above Pyodide's own baseline, so a bomb gets MemoryError; the child's JS heap is capped too.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { BackendInit, BackendOutcome, SandboxBackend } from '../backend.js';
import { MAX_LOG_LINES } from '../backend.js';
import type { ScriptFailure } from '../types.js';
import { PY_WRAPPER } from './py-wrapper.js';

const CHILD = join(dirname(fileURLToPath(import.meta.url)), 'pyodide-child.mjs');
const PYODIDE_DIR = dirname(createRequire(import.meta.url).resolve('pyodide/package.json'));
/** Pyodide needs a few seconds to start on a small CPU; a start is not charged to the script's limit. */
const START_TIMEOUT_MS = 60_000;

type Reply = { type: 'ready'; error?: { message: string; stack: string } } | { type: 'reply'; id: number; reply?: string; fatal?: boolean; cpuMs: number };

export class PyodideBackend implements SandboxBackend {
  private child: ChildProcess | undefined;
  private waiting: ((msg: Reply | { type: 'exit'; code: number | null; signal: string | null }) => void) | undefined;
  private nextId = 1;
  private closed = false;

  constructor(private readonly init: BackendInit) {}

  async start(): Promise<ScriptFailure | undefined> {
    const child = fork(CHILD, [], {
      execArgv: [
        '--experimental-permission',
        `--allow-fs-read=${PYODIDE_DIR}/`,
        `--allow-fs-read=${CHILD}`,
        '--disallow-code-generation-from-strings',
        '--no-warnings',
        `--max-old-space-size=${Math.max(64, this.init.limits.memoryMb)}`,
      ],
      env: {},
      serialization: 'json',
      stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
    });
    this.child = child;
    let stderr = '';
    child.stderr?.on('data', (b: Buffer) => { if (stderr.length < 4000) stderr += b.toString(); });
    // Events of a child that was already replaced (killed after a limit) must not answer the new one.
    child.on('message', (m: Reply) => { if (this.child === child) this.waiting?.(m); });
    child.on('exit', (code, signal) => {
      if (this.child !== child) return;
      this.child = undefined;
      this.waiting?.({ type: 'exit', code, signal });
    });
    const { source, name, config, state, limits } = this.init;
    const ready = this.next(START_TIMEOUT_MS);
    child.send({
      type: 'init', pyodideModule: pathToFileURL(join(PYODIDE_DIR, 'pyodide.mjs')).href, indexURL: `${PYODIDE_DIR}/`,
      wrapper: PY_WRAPPER, source, name, config, state: state(), memoryMb: limits.memoryMb, maxLogs: MAX_LOG_LINES, maxOutputBytes: limits.maxOutputBytes,
    });
    const msg = await ready;
    if (msg.type === 'ready' && msg.error === undefined) return undefined;
    this.kill();
    if (msg.type === 'ready' && msg.error) return { reason: 'compile', message: lastLine(msg.error.message), stack: msg.error.message };
    return { reason: 'crashed', message: `the Python sandbox did not start (${describe(msg)})${stderr ? `: ${stderr.slice(0, 500)}` : ''}` };
  }

  async invoke(request: string): Promise<BackendOutcome> {
    if (this.closed) return { ok: false, error: { reason: 'crashed', message: 'the sandbox is closed' } };
    if (this.child === undefined) {
      const failure = await this.start();
      if (failure !== undefined) return { ok: false, error: failure };
    }
    const { timeoutMs, cpuTimeMs } = this.init.limits;
    const id = this.nextId++;
    const child = this.child as ChildProcess;
    const answer = this.next(timeoutMs);
    const cpu0 = childCpuMs(child.pid);
    let overCpu = false;
    let watchdog: NodeJS.Timeout | undefined;
    if (cpu0 !== undefined) {
      const check = () => {
        const used = (childCpuMs(child.pid) ?? cpu0) - cpu0;
        if (used > cpuTimeMs) {
          overCpu = true;
          this.kill();
          this.waiting?.({ type: 'exit', code: null, signal: 'SIGKILL' });
          return;
        }
        watchdog = setTimeout(check, Math.max(10, cpuTimeMs - used));
      };
      watchdog = setTimeout(check, cpuTimeMs);
    }
    child.send({ type: 'call', id, request });
    const msg = await answer;
    clearTimeout(watchdog);
    if (overCpu) return { ok: false, error: { reason: 'cpu', message: `CPU time limit of ${cpuTimeMs} ms exceeded; the script was stopped` } };
    if (msg.type === 'reply' && msg.id === id && typeof msg.reply === 'string') {
      if (msg.fatal === true) this.kill();
      if (msg.cpuMs > cpuTimeMs) return { ok: false, error: { reason: 'cpu', message: `CPU time ${msg.cpuMs.toFixed(1)} ms exceeds the limit of ${cpuTimeMs} ms` } };
      return { ok: true, reply: msg.reply };
    }
    this.kill();
    if (msg.type === 'timeout') return { ok: false, error: { reason: 'timeout', message: `wall-clock limit of ${timeoutMs} ms exceeded; the script was stopped` } };
    return { ok: false, error: { reason: 'crashed', message: `the Python sandbox ended (${describe(msg)}); it is rebuilt for the next call` } };
  }

  /** The next message from the child, its exit, or a timeout — whichever comes first. */
  private next(timeoutMs: number): Promise<Reply | { type: 'exit'; code: number | null; signal: string | null } | { type: 'timeout' }> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => { this.waiting = undefined; resolve({ type: 'timeout' }); }, timeoutMs);
      this.waiting = (m) => { clearTimeout(timer); this.waiting = undefined; resolve(m); };
    });
  }

  private kill(): void {
    const child = this.child;
    this.child = undefined;
    if (child !== undefined && child.exitCode === null) child.kill('SIGKILL');
  }

  async close(): Promise<void> {
    this.closed = true;
    this.kill();
  }
}

/** CPU time (user + system) of a process in ms from /proc, or undefined where there is no /proc. */
function childCpuMs(pid: number | undefined): number | undefined {
  if (pid === undefined) return undefined;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name (which may contain spaces) start at state; utime and stime are 14 and 15.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / CLOCK_TICKS;
  } catch {
    return undefined;
  }
}

/** USER_HZ; 100 on every Linux ABI Node supports. */
const CLOCK_TICKS = 100;

function lastLine(text: string): string {
  const lines = text.trim().split('\n');
  return lines[lines.length - 1] ?? text;
}

function describe(msg: { type: string; code?: number | null; signal?: string | null }): string {
  if (msg.type === 'exit') return `exit code ${msg.code ?? 'none'}, signal ${msg.signal ?? 'none'}`;
  return msg.type;
}
