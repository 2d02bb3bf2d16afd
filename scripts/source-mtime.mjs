// Newest modification time of the TypeScript sources (tests excluded) under packages/ and apps/:
// the bundle in dist/ is fresh when it is at least this new. Shared by the build and the launcher.
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

function newestIn(dir) {
  let newest = 0;
  for (const name of readdirSync(dir)) {
    if (name === 'node_modules' || name === 'dist' || name.startsWith('.')) continue;
    const p = join(dir, name);
    const st = statSync(p);
    if (st.isDirectory()) newest = Math.max(newest, newestIn(p));
    else if (name.endsWith('.ts') && !name.endsWith('.test.ts')) newest = Math.max(newest, st.mtimeMs);
  }
  return newest;
}

export function newestSourceMtime(root) {
  return Math.max(newestIn(join(root, 'packages')), newestIn(join(root, 'apps')));
}
