import { CommanderError } from 'commander';
import { isOutpostError } from '@outpost/contract';

/** Exit codes of `outpost`, documented in `outpost --help` and the README. */
export const EXIT = {
  /** Success, including a clean stop on Ctrl-C / SIGTERM. */
  OK: 0,
  /** A runtime failure (a service failed to start or crashed). */
  FAILURE: 1,
  /** Usage error (unknown command or option, bad argument) or invalid configuration. */
  USAGE: 2,
  /** A configured port is already in use. */
  PORT_IN_USE: 3,
  /** `gateway query`: the gateway could not be reached or refused the request. */
  REMOTE: 4,
} as const;

export const EXIT_CODES_HELP = `
Exit codes:
  0  success (also a clean stop on Ctrl-C)
  1  runtime failure
  2  usage error or invalid configuration
  3  a configured port is already in use
  4  the gateway could not be reached or refused the request (gateway query)`;

/** Thrown by `gateway query` when the gateway cannot be reached or answers with an error. */
export class RemoteError extends Error {
  override name = 'RemoteError';
}

export function exitCodeFor(e: unknown): number {
  if (e instanceof CommanderError) {
    return e.code === 'commander.helpDisplayed' || e.code === 'commander.version' ? EXIT.OK : EXIT.USAGE;
  }
  if (e instanceof RemoteError) return EXIT.REMOTE;
  if (isOutpostError(e, 'ERR_PORT_IN_USE') || (e as NodeJS.ErrnoException | undefined)?.code === 'EADDRINUSE') return EXIT.PORT_IN_USE;
  if (isOutpostError(e) && e.kind === 'user') return EXIT.USAGE;
  return EXIT.FAILURE;
}
