import { fork, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { readOtaState, readSlot, slotDir, writeOtaState, type OtaState, type Slot } from './slots.js';

/** Messages between the supervisor and the gateway it runs (Node IPC). */
export type ToSupervisor = { type: 'healthy' } | { type: 'switch'; slot: Slot; version: string };
export type FromSupervisor = { type: 'committed'; version: string } | { type: 'refused'; error: string };

export interface SupervisorOptions {
  root: string;
  /** The new version must report healthy within this time or the supervisor switches back. */
  healthTimeoutMs: number;
  /** Arguments for the slot's entry (`outpost gateway supervise -- gateway --config …` passes them on). */
  args?: string[];
  /** Node flags for the gateway process (e.g. a TypeScript loader). */
  execArgv?: string[];
  env?: NodeJS.ProcessEnv;
  /** Wait before restarting a committed version that exited. */
  restartDelayMs?: number;
  log?: (msg: string) => void;
}

/**
 * Outpost's own supervisor for `outpost gateway` (the systemd-free way to do A/B updates): runs
 * the committed slot's entry as a child process and restarts it when it exits. On a switch
 * request it stops the child and starts the other slot on trial: healthy within the timeout →
 * committed; exit or silence first → back to the old slot, with the reason kept for the old
 * version to report. A supervisor cut off during a trial boots the committed slot next time.
 */
export function startSupervisor(o: SupervisorOptions): { stop(): Promise<void>; state(): OtaState; child(): ChildProcess | undefined } {
  const log = o.log ?? (() => undefined);
  let state = readOtaState(o.root);
  if (state.trial) {
    state = { ...state, trial: null, lastFailure: { version: state.trial.version, error: `the switch to ${state.trial.version} was interrupted (supervisor restarted before it reported healthy)`, at: Date.now() } };
    writeOtaState(o.root, state);
  }
  let child: ChildProcess | undefined;
  let stopping = false;
  let timer: NodeJS.Timeout | undefined;

  const run = (slot: Slot, trial: boolean) => {
    const m = readSlot(o.root, slot);
    if (!m) { log(`slot ${slot} holds no complete bundle`); return; }
    log(`starting ${m.version} from slot ${slot}${trial ? ' (trial)' : ''}`);
    const c = fork(join(slotDir(o.root, slot), m.entry), o.args ?? [], {
      execArgv: o.execArgv ?? process.execArgv, stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
      env: { ...process.env, ...o.env, OUTPOST_OTA_ROOT: o.root, OUTPOST_OTA_SLOT: slot, OUTPOST_SOFTWARE_VERSION: m.version },
    });
    child = c;
    c.on('message', (msg: ToSupervisor) => {
      if (msg?.type === 'healthy') {
        if (state.trial?.slot === slot) {
          clearTimeout(timer);
          state = { active: slot, trial: null, lastFailure: null };
          writeOtaState(o.root, state);
          log(`${m.version} healthy: slot ${slot} committed`);
        }
        c.send({ type: 'committed', version: m.version } satisfies FromSupervisor);
      } else if (msg?.type === 'switch') {
        const target = readSlot(o.root, msg.slot);
        if (state.trial || msg.slot === state.active || target?.version !== msg.version) {
          c.send({ type: 'refused', error: `cannot switch to slot ${msg.slot}: ${state.trial ? 'a switch is already on trial' : msg.slot === state.active ? 'it is the running slot' : `it holds ${target?.version ?? 'nothing'}, not ${msg.version}`}` } satisfies FromSupervisor);
          return;
        }
        state = { ...state, trial: { slot: msg.slot, version: msg.version, startedAt: Date.now() } };
        writeOtaState(o.root, state);
        child = undefined;
        void stopChild(c).then(() => {
          run(msg.slot, true);
          timer = setTimeout(() => fail(`${msg.version} did not report healthy within ${o.healthTimeoutMs} ms`), o.healthTimeoutMs);
        });
      }
    });
    c.on('exit', (code, signal) => {
      if (child !== c || stopping) return;
      child = undefined;
      if (trial && state.trial?.slot === slot) return fail(`${m.version} exited (${signal ?? `code ${code}`}) before reporting healthy`);
      log(`${m.version} exited (${signal ?? `code ${code}`}); restarting`);
      setTimeout(() => { if (!stopping && !child) run(state.active, false); }, o.restartDelayMs ?? 1000).unref();
    });
  };

  const fail = (error: string) => {
    clearTimeout(timer);
    const t = state.trial!;
    log(`switch to ${t.version} failed: ${error}; back to slot ${state.active}`);
    state = { active: state.active, trial: null, lastFailure: { version: t.version, error: `${error}; the supervisor switched back to ${readSlot(o.root, state.active)?.version ?? `slot ${state.active}`}`, at: Date.now() } };
    writeOtaState(o.root, state);
    const c = child;
    child = undefined;
    void (c ? stopChild(c) : Promise.resolve()).then(() => { if (!stopping) run(state.active, false); });
  };

  run(state.active, false);
  return {
    state: () => state,
    child: () => child,
    async stop() {
      stopping = true;
      clearTimeout(timer);
      if (child) await stopChild(child);
    },
  };
}

/** SIGTERM, then SIGKILL after 5 s; resolves when the process is gone. */
function stopChild(c: ChildProcess): Promise<void> {
  if (c.exitCode !== null || c.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const kill = setTimeout(() => c.kill('SIGKILL'), 5000);
    c.once('exit', () => { clearTimeout(kill); resolve(); });
    c.kill('SIGTERM');
  });
}

