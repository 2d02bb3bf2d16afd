import { processIo } from './io.js';
import { run } from './run.js';

/** Entry point of bin/outpost.mjs. Exits explicitly: a stopped service may leave idle handles. */
export async function main(): Promise<void> {
  const code = await run(process.argv.slice(2), processIo());
  process.exit(code);
}
