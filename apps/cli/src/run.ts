import { Command, CommanderError } from 'commander';
import { isOutpostError } from '@outpost/contract';
import { COMMANDS } from './commands/index.js';
import { EXIT_CODES_HELP, exitCodeFor } from './exit-codes.js';
import type { CliIo } from './io.js';

export const CLI_VERSION = '0.1.0';

/** The `outpost` program: every verb from the registry, output and exits routed through `io`. */
export function buildProgram(io: CliIo): Command {
  const program = new Command('outpost')
    .description('Outpost: edge computing for industrial and IoT telemetry')
    .version(CLI_VERSION, '-V, --version')
    .addHelpText('after', `${EXIT_CODES_HELP}\n\nSettings: outpost config env lists the OUTPOST_* variables; docs/reference/config.md describes them.`);
  for (const c of COMMANDS) program.addCommand(c.build(io));
  // Commander settings do not reach commands added with addCommand, so apply them to the tree.
  const configure = (cmd: Command) => {
    cmd.exitOverride().configureOutput({ writeOut: io.out, writeErr: io.err }).showHelpAfterError(`(run ${fullName(cmd)} --help for usage)`);
    cmd.commands.forEach(configure);
  };
  configure(program);
  return program;
}

function fullName(cmd: Command): string {
  const names: string[] = [];
  for (let c: Command | null = cmd; c; c = c.parent) names.unshift(c.name());
  return names.join(' ');
}

/** Run `outpost` with `argv` (without node and script); resolves with the exit code. */
export async function run(argv: readonly string[], io: CliIo): Promise<number> {
  const program = buildProgram(io);
  try {
    await program.parseAsync([...argv], { from: 'user' });
    return 0;
  } catch (e) {
    // Commander has already printed its own message (usage errors, help).
    if (!(e instanceof CommanderError)) io.err(`${describeError(e)}\n`);
    return exitCodeFor(e);
  }
}

function describeError(e: unknown): string {
  if (isOutpostError(e)) return `error [${e.code}]: ${e.message}`;
  if (e instanceof Error) return `error: ${e.message}`;
  return `error: ${String(e)}`;
}
