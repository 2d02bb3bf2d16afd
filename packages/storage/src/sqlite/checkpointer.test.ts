import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { tempDir, waitFor } from '@outpost/testing';
import { GatewayStore } from './gateway-store.js';

const base = 1_700_000_000_000;
const points = (n: number, from: number) => Array.from({ length: n }, (_, i) => ({ device: 'd', metric: `m${i % 20}`, ts: from + i, value: i }));

test('background checkpoints move committed pages from the WAL into the database file without a commit doing it', async (t) => {
  const { dir, cleanup } = tempDir();
  t.after(cleanup);
  const path = join(dir, 'gw.db');
  const store = GatewayStore.open({ path, checkpoint: 'background', checkpointIntervalMs: 20 });
  t.after(() => store.shutdown());
  // Far below SQLite's automatic threshold (1000 WAL pages): only the worker can have copied them.
  store.commit(points(5_000, base));
  const before = statSync(path).size;
  await waitFor(() => statSync(path).size > before + 32 * 1024, { what: 'the database file to take the checkpointed pages' });
  assert.equal(store.countPoints(), 5_000);
  await store.shutdown();
  const again = GatewayStore.open({ path });
  t.after(() => again.close());
  assert.equal(again.countPoints(), 5_000);
});

test('inline mode leaves a small WAL alone (the control for the test above)', async (t) => {
  const { dir, cleanup } = tempDir();
  t.after(cleanup);
  const path = join(dir, 'gw.db');
  const store = GatewayStore.open({ path, checkpoint: 'inline' });
  t.after(() => store.close());
  store.commit(points(5_000, base));
  const before = statSync(path).size;
  await new Promise((r) => setTimeout(r, 200));
  assert.equal(statSync(path).size, before);
});

test('shutting down mid-load never crashes the process (no thread is terminated inside SQLite)', async (t) => {
  const { dir, cleanup } = tempDir();
  t.after(cleanup);
  const child = new URL('./checkpointer-child.ts', import.meta.url).pathname;
  const runs = await Promise.all(Array.from({ length: 6 }, (_, i) => new Promise<{ code: number | null; signal: string | null; err: string }>((resolve) => {
    const p = spawn(process.execPath, ['--import', 'tsx', child, join(dir, `gw-${i}.db`), String(200 + i * 50)], { stdio: ['ignore', 'ignore', 'pipe'] });
    let err = '';
    p.stderr.on('data', (d) => { err += d; });
    p.on('exit', (code, signal) => resolve({ code, signal, err }));
  })));
  for (const r of runs) assert.deepEqual({ code: r.code, signal: r.signal }, { code: 0, signal: null }, r.err);
  for (let i = 0; i < runs.length; i++) {
    const s = GatewayStore.open({ path: join(dir, `gw-${i}.db`) });
    assert.ok(s.countPoints() > 0);
    s.close();
  }
});
