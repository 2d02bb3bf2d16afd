#!/usr/bin/env -S node --max-semi-space-size=16 --max-old-space-size=256
// --max-semi-space-size=16 (MiB), V8's own default, stated so nobody lowers it unawares: 8 cost
// 1-point MQTT ingest a quarter more CPU per message (a scavenge every ~1,000 messages while
// ~1,000 wait in flight for their commit, so most were copied, some promoted, before they were
// done): 27.5 vs 20.5 ms CPU per 1,000 messages, for 10 MiB less peak RSS. 24 and 32 saved no
// more CPU and peaked at 145-150 MiB. --max-old-space-size=256 (MiB): with its default limit (GiBs) V8
// lets the heap grow to ~3x the live data before a full GC; under sustained ingest the live heap is
// ~30 MiB but RSS peaked at 150-250 MiB. A 256 MiB limit makes V8 grow the heap by smaller steps
// (peaks 117-145 MiB measured, same throughput). Raise it (NODE_OPTIONS) for pipelines that keep
// large window state. V8 settings that NODE_OPTIONS refuses are made in ./v8-tuning.mjs.
// bench:ingest runs its gateway with the flags of this line; `npm start` and
// `npm run outpost` pass the same flags; set them in NODE_OPTIONS when starting this file another way.
// The `outpost` command. `npm install` builds dist/outpost.mjs (scripts/build.mjs: our TypeScript
// bundled by esbuild, third-party packages external); the launcher runs it when it is at least as
// new as the sources, and otherwise runs the sources through tsx's loader (editing without a
// rebuild just works, at the cost of ~35 MiB RSS and a slower start).
// OUTPOST_FROM_SOURCE=1 forces the sources.
import './v8-tuning.mjs'; // first: V8 settings made before anything is allocated (see there)
import './quiet-debug.mjs'; // before any third-party module loads (see there)
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { newestSourceMtime } from '../../../scripts/source-mtime.mjs';

const root = new URL('../../../', import.meta.url).pathname;
const bundle = join(root, 'dist', 'outpost.mjs');

const fresh = process.env.OUTPOST_FROM_SOURCE !== '1' && existsSync(bundle)
  && statSync(bundle).mtimeMs >= newestSourceMtime(root);

if (fresh) {
  const { main } = await import(bundle);
  await main();
} else {
  const { register } = await import('tsx/esm/api');
  register();
  const { main } = await import('../src/main.ts');
  await main();
}
