#!/usr/bin/env node
// Builds the runnable bundles: Outpost's own TypeScript (the @outpost/* workspaces) compiled and
// bundled by esbuild into one ESM file per entry point; third-party packages stay external and
// load from node_modules as usual. Running the bundle instead of the sources through tsx saves
// ~35 MiB of RSS and start-up time on small gateways, and is what `outpost` runs when present.
// Also builds the web app (scripts/build-dashboard.mjs) that the hub serves.
// Usage: node scripts/build.mjs [--check]   (--check: exit 1 if a bundle is missing or stale)
import { build } from 'esbuild';
import { copyFileSync, existsSync, mkdirSync, readdirSync, rmSync, statSync } from 'node:fs';
import { newestSourceMtime } from './source-mtime.mjs';
import { buildDashboard } from './build-dashboard.mjs';
import { basename, dirname, join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const entries = [
  { in: 'apps/cli/src/main.ts', out: 'dist/outpost.mjs' },
];

// Files that bundled code reads next to itself (new URL('./x', import.meta.url)).
const assets = [
  { from: 'packages/contract/src/wire/uplink.proto', to: 'dist/uplink.proto' },
  { from: 'packages/sandbox/src/python/pyodide-child.mjs', to: 'dist/pyodide-child.mjs' },
];

const workspaceOnly = {
  name: 'externalise-third-party',
  setup(b) {
    // Bare specifiers that are not our workspaces stay external (native addons, dynamic requires).
    b.onResolve({ filter: /^[^./]/ }, (args) => (args.path.startsWith('@outpost/') ? undefined : { path: args.path, external: true }));
  },
};

export function bundlesFresh() {
  const src = newestSourceMtime(root);
  return entries.every((e) => existsSync(join(root, e.out)) && statSync(join(root, e.out)).mtimeMs >= src);
}

if (process.argv.includes('--check')) {
  const src = newestSourceMtime(root);
  const stale = entries.filter((e) => !existsSync(join(root, e.out)) || statSync(join(root, e.out)).mtimeMs < src);
  if (stale.length) { console.error(`stale or missing bundles: ${stale.map((e) => e.out).join(', ')}; run npm run build`); process.exit(1); }
  process.exit(0);
}

for (const e of entries) {
  // Code splitting: a module the CLI imports on first use (services.ts: the gateway, the hub, the
  // simulator) becomes its own chunk, with its own imports of third-party packages. In one file,
  // esbuild hoists every such import to the top, so `outpost gateway` loaded the hub's kysely,
  // pg, argon2 and swagger-ui too (+12 MiB RSS at idle, measured).
  // Chunks sit beside the entry, where bundled code finds its assets (new URL('./x', import.meta.url)).
  const outDir = join(root, dirname(e.out));
  if (existsSync(outDir)) for (const f of readdirSync(outDir)) if (/^chunk-.*\.mjs(\.map)?$/.test(f)) rmSync(join(outDir, f));
  await build({
    entryPoints: { [basename(e.out, '.mjs')]: join(root, e.in) },
    outdir: outDir,
    splitting: true,
    outExtension: { '.js': '.mjs' },
    chunkNames: '[name]-[hash]',
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    sourcemap: 'linked',
    plugins: [workspaceOnly],
    logLevel: 'warning',
    // import.meta.url of bundled modules points at the bundle; code that locates files relative to
    // its source must not rely on it (checked by the bundle smoke test).
  });
  console.log(`built ${e.out}`);
}
mkdirSync(join(root, 'dist'), { recursive: true });
for (const a of assets) if (existsSync(join(root, a.from))) copyFileSync(join(root, a.from), join(root, a.to));
await buildDashboard(root);
