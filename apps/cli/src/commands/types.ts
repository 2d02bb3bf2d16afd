import type { Command } from 'commander';
import type { CliIo } from '../io.js';

/** One `outpost <verb>`: builds its commander Command (with its own sub-verbs, if any). */
export interface CliCommand {
  name: string;
  build(io: CliIo): Command;
}
