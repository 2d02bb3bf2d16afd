import { build } from 'esbuild';
import { copyFileSync, existsSync, mkdirSync } from 'node:fs';
import { basename, join } from 'node:path';

const root = new URL('../../', import.meta.url).pathname;

/**
 * Bundle a benchmark child the way `npm run build` bundles `outpost` (our TypeScript compiled,
 * third-party packages external), so benchmarks measure the code users run — not the tsx loader,
 * which alone adds ~35 MiB of RSS. `name`: the bundle's file name in dist/bench (benchmarks whose
 * children share a file name must not overwrite each other's bundle).
 */
export async function bundleChild(entry: string, name = basename(entry).replace(/\.ts$/, '.mjs')): Promise<string> {
  const outDir = join(root, 'dist', 'bench');
  mkdirSync(outDir, { recursive: true });
  const out = join(outDir, name);
  await build({
    entryPoints: [entry], outfile: out, bundle: true, platform: 'node', format: 'esm', target: 'node20', logLevel: 'warning',
    plugins: [{ name: 'externalise-third-party', setup(b) { b.onResolve({ filter: /^[^./]/ }, (a) => (a.path.startsWith('@outpost/') ? undefined : { path: a.path, external: true })); } }],
  });
  const proto = join(root, 'packages/contract/src/wire/uplink.proto');
  if (existsSync(proto)) copyFileSync(proto, join(outDir, 'uplink.proto'));
  return out;
}
