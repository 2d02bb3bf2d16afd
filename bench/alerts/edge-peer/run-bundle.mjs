// Runs a built `outpost` bundle (argv[2]) with the remaining arguments, as apps/cli/bin/outpost.mjs
// does when its bundle is fresh — without falling back to the sources when someone edits them —
// after the launcher's own first imports (V8 settings; no-op `debug` loggers when DEBUG is unset).
import '../../../apps/cli/bin/v8-tuning.mjs';
import '../../../apps/cli/bin/quiet-debug.mjs';
const [bundle, ...args] = process.argv.slice(2);
process.argv = [process.argv[0], bundle, ...args];
const { main } = await import(bundle);
await main();
