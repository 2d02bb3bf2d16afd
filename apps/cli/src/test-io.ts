import type { CliIo } from './io.js';

/** A CliIo that records output, for running `outpost` in-process in tests. */
export function captureIo(env: Record<string, string | undefined> = {}, stop?: Promise<string>): CliIo & { stdout: () => string; stderr: () => string } {
  let out = '';
  let err = '';
  return {
    out: (t) => { out += t; },
    err: (t) => { err += t; },
    env,
    isTTY: false,
    untilStopped: () => stop ?? new Promise<string>(() => undefined),
    stdout: () => out,
    stderr: () => err,
  };
}
