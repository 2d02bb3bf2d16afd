// Builds the web app (apps/dashboard, Vite) into apps/dashboard/dist, which the hub serves at `/`.
// Skipped when the build is newer than every input, so `npm install` stays quick on re-runs.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

function newest(p) {
  const st = statSync(p);
  if (!st.isDirectory()) return st.mtimeMs;
  let n = 0;
  for (const name of readdirSync(p)) if (name !== 'node_modules' && name !== 'dist') n = Math.max(n, newest(join(p, name)));
  return n;
}

export function dashboardFresh(root) {
  const app = join(root, 'apps/dashboard');
  const out = join(app, 'dist/index.html');
  if (!existsSync(out)) return false;
  const inputs = ['src', 'index.html', 'vite.config.ts', 'package.json'].map((f) => join(app, f)).filter(existsSync);
  return Math.max(...inputs.map(newest)) <= statSync(out).mtimeMs;
}

export async function buildDashboard(root, { force = false } = {}) {
  if (!force && dashboardFresh(root)) { console.log('apps/dashboard/dist is up to date'); return; }
  const { build } = await import('vite');
  await build({ configFile: join(root, 'apps/dashboard/vite.config.ts'), logLevel: 'warn' });
  console.log('built apps/dashboard/dist');
}
