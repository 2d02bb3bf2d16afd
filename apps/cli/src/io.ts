/**
 * What a command may touch of the outside world: output streams, environment, terminal, and
 * the stop signal. Passed in, so commands run in-process under test with captured output.
 */
export interface CliIo {
  out(text: string): void;
  err(text: string): void;
  env: Record<string, string | undefined>;
  /** True when stdout is a terminal: the dev rate line then redraws in place. */
  isTTY: boolean;
  /** Resolves with the signal name when the user asks to stop (Ctrl-C, SIGTERM). */
  untilStopped(): Promise<string>;
}

/** The real process: a first SIGINT/SIGTERM stops cleanly, a second one exits at once (130). */
export function processIo(): CliIo {
  let stopped: Promise<string> | undefined;
  return {
    out: (t) => void process.stdout.write(t),
    err: (t) => void process.stderr.write(t),
    env: process.env,
    isTTY: Boolean(process.stdout.isTTY),
    untilStopped() {
      stopped ??= new Promise((resolve) => {
        const onSignal = (signal: NodeJS.Signals) => {
          process.removeListener('SIGINT', onSignal);
          process.removeListener('SIGTERM', onSignal);
          const force = () => {
            process.stderr.write('\nstopping forcefully\n');
            process.exit(130);
          };
          process.once('SIGINT', force);
          process.once('SIGTERM', force);
          resolve(signal);
        };
        process.on('SIGINT', onSignal);
        process.on('SIGTERM', onSignal);
      });
      return stopped;
    },
  };
}
