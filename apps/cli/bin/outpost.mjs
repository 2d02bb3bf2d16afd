#!/usr/bin/env node
// The `outpost` command. `npm install` builds dist/outpost.mjs (scripts/build.mjs: our TypeScript
// bundled by esbuild, third-party packages external); the launcher runs it when it is at least as
// new as the sources, and otherwise runs the sources through tsx's loader (editing without a
// rebuild just works, at the cost of ~35 MiB RSS and a slower start).
// OUTPOST_FROM_SOURCE=1 forces the sources.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

const root = new URL('../../../', import.meta.url).pathname;
const bundle = join(root, 'dist', 'outpost.mjs');

function newestSource(dir) {
  let newest = 0;
  for (const name of readdirSync(dir)) {
    if (name === 'node_modules' || name === 'dist' || name.startsWith('.')) continue;
    const p = join(dir, name);
    const st = statSync(p);
    if (st.isDirectory()) newest = Math.max(newest, newestSource(p));
    else if (name.endsWith('.ts') && !name.endsWith('.test.ts')) newest = Math.max(newest, st.mtimeMs);
  }
  return newest;
}

const fresh = process.env.OUTPOST_FROM_SOURCE !== '1' && existsSync(bundle)
  && statSync(bundle).mtimeMs >= Math.max(newestSource(join(root, 'packages')), newestSource(join(root, 'apps')));

if (fresh) {
  const { main } = await import(bundle);
  await main();
} else {
  const { register } = await import('tsx/esm/api');
  register();
  const { main } = await import('../src/main.ts');
  await main();
}
