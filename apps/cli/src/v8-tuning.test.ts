import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const preload = fileURLToPath(new URL('../bin/v8-tuning.mjs', import.meta.url));
// Objects from one literal site that survive young-generation collections: V8 tenures such a site
// (its objects are then born in the old generation) unless allocation-site pretenuring is off.
const workload = `
  const keep = [];
  const make = (i) => ({ a: i, b: [i] });
  for (let i = 0; i < 3e6; i++) { keep.push(make(i)); if (keep.length > 400000) keep.length = 0; }
  console.log('done');
`;

function tenured(preloads: string[], env: Record<string, string> = {}): number {
  const r = spawnSync(process.execPath, [...preloads, '--trace-pretenuring-statistics', '--max-semi-space-size=1', '-e', workload], { encoding: 'utf8', env: { ...process.env, OUTPOST_V8_PRETENURING: '', ...env } });
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /done/);
  return r.stdout.split('\n').filter((l) => l.includes('=> tenure')).length;
}

test('the launcher preload turns allocation-site pretenuring off (V8 tenures the same workload without it)', () => {
  assert.ok(tenured([]) > 0, 'without the preload V8 tenures the surviving site: the workload would not show the difference');
  assert.equal(tenured(['--import', preload]), 0);
});

test('OUTPOST_V8_PRETENURING=1 keeps V8\'s default: the same workload is tenured with the preload', () => {
  assert.ok(tenured(['--import', preload], { OUTPOST_V8_PRETENURING: '1' }) > 0);
});
