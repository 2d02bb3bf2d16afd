export { run, buildProgram, CLI_VERSION } from './run.js';
export { EXIT, exitCodeFor } from './exit-codes.js';
export type { CliIo } from './io.js';
export { COMMANDS, type CliCommand } from './commands/index.js';
