#!/usr/bin/env node
// Runs every *.test.ts under packages/, apps/ and bench/ with Node's built-in test runner (via tsx).
// Usage: node scripts/run-tests.mjs [path-filter …]
//   e.g. node scripts/run-tests.mjs packages/storage   — only files whose path contains a filter
// Node 20's --test takes no globs, so the files are found here.
import { readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { spawnSync } from 'node:child_process';

const root = new URL('..', import.meta.url).pathname;
const filters = process.argv.slice(2);
const files = [];
function walk(dir) {
  for (const name of readdirSync(dir)) {
    if (name === 'node_modules' || name.startsWith('.') || name === 'dist') continue;
    const p = join(dir, name);
    const st = statSync(p);
    if (st.isDirectory()) walk(p);
    else if (/\.test\.ts$/.test(name)) files.push(relative(root, p));
  }
}
for (const top of ['packages', 'apps', 'bench', 'scripts']) {
  try { walk(join(root, top)); } catch { /* folder may not exist */ }
}
const selected = files.filter((f) => filters.length === 0 || filters.some((x) => f.includes(x))).sort();
if (selected.length === 0) {
  console.error(`no test files match ${filters.join(' ') || '(all)'}`);
  process.exit(1);
}
const concurrency = process.env.TEST_CONCURRENCY ?? '2';
// --test-force-exit: a test that fails while a server it started is still open must not keep its
// file (and CI) running forever; --test-timeout bounds a single hung test.
const timeout = process.env.TEST_TIMEOUT_MS ?? '600000';
const args = ['--import', 'tsx', '--test', `--test-concurrency=${concurrency}`, '--test-force-exit', `--test-timeout=${timeout}`, '--test-reporter=spec', ...selected];
const r = spawnSync(process.execPath, args, { cwd: root, stdio: 'inherit', env: { ...process.env, NODE_ENV: 'test' } });
process.exit(r.status ?? 1);
