import { build } from 'esbuild';
import { copyFileSync, existsSync, mkdirSync, rmSync } from 'node:fs';
import { basename, join } from 'node:path';

const root = new URL('../../', import.meta.url).pathname;

/**
 * Bundle a benchmark child the way `npm run build` bundles `outpost` (our TypeScript compiled,
 * third-party packages external, modules imported on first use split into chunks), so benchmarks
 * measure the code users run — not the tsx loader, which alone adds ~35 MiB of RSS. Each child
 * gets its own folder in dist/bench (its entry and chunks), named after `name`, so benchmarks
 * whose children share a file name do not overwrite each other's bundle.
 */
export async function bundleChild(entry: string, name = basename(entry).replace(/\.ts$/, '.mjs')): Promise<string> {
  const outDir = join(root, 'dist', 'bench', name.replace(/\.mjs$/, ''));
  rmSync(outDir, { recursive: true, force: true });
  mkdirSync(outDir, { recursive: true });
  await build({
    entryPoints: { [name.replace(/\.mjs$/, '')]: entry }, outdir: outDir, splitting: true, outExtension: { '.js': '.mjs' }, chunkNames: '[name]-[hash]',
    bundle: true, platform: 'node', format: 'esm', target: 'node20', logLevel: 'warning',
    plugins: [{ name: 'externalise-third-party', setup(b) { b.onResolve({ filter: /^[^./]/ }, (a) => (a.path.startsWith('@outpost/') ? undefined : { path: a.path, external: true })); } }],
  });
  const proto = join(root, 'packages/contract/src/wire/uplink.proto');
  if (existsSync(proto)) copyFileSync(proto, join(outDir, 'uplink.proto'));
  return join(outDir, name);
}
