import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadConfig } from '@outpost/config';
import { startGateway } from '@outpost/gateway';
import { tempDir } from '@outpost/testing';
import { run } from '../run.js';
import { captureIo } from '../test-io.js';

const T0 = Date.UTC(2026, 10, 22, 12, 0, 0);
const node = (id: string, kind: string, config: Record<string, unknown> = {}) => ({ id, kind, typeVersion: 1, config });
const hot = (threshold: number) => ({
  schemaVersion: 1, id: 'hot',
  nodes: [node('in', 'input', { metrics: ['temp'] }), node('f', 'filter', { expression: `100 / value > ${threshold}` }), node('db', 'store', { table: 'hot' })],
  edges: [{ from: 'in', to: 'f' }, { from: 'f', to: 'db' }],
});
const samples = [{ device: 'd1', metric: 'temp', ts: T0, value: 2 }, { device: 'd1', metric: 'temp', ts: T0 + 1000, value: 0 }, { device: 'd1', metric: 'temp', ts: T0 + 2000, value: 50 }];

function files(t: { after: (fn: () => unknown) => void }) {
  const { dir, cleanup } = tempDir('outpost-cli-pipeline-');
  t.after(cleanup);
  const w = (name: string, v: unknown) => { const p = join(dir, name); writeFileSync(p, typeof v === 'string' ? v : JSON.stringify(v)); return p; };
  return { dir, w };
}

async function cli(args: string[]) {
  const io = captureIo();
  const code = await run(args, io);
  return { code, out: io.stdout(), err: io.stderr() };
}

test('outpost pipeline test --input: outputs and a readable per-node trace naming the failing point; --json; --diff', async (t) => {
  const { w } = files(t);
  const p = w('hot.json', hot(10));
  const input = w('samples.jsonl', `${samples.map((s) => JSON.stringify(s)).join('\n')}\n`);
  const r = await cli(['pipeline', 'test', p, '--input', input]);
  assert.equal(r.code, 0, r.err);
  assert.match(r.out, /db \(store → hot\): 1 item\(s\)\n {4}\{"device":"d1","metric":"temp","ts":\d+,"value":2\}/);
  assert.match(r.out, /pipeline hot: 3 point\(s\)/);
  assert.match(r.out, /\n {2}f +filter@1 +in:3 +out:1 rejected:1 +1 /);
  assert.match(r.out, /! ERR_ENGINE_EVAL: .*division by zero.*\n {6}point: \{.*"value":0\}/);
  const json = await cli(['pipeline', 'test', p, '--input', input, '--json']);
  const parsed = JSON.parse(json.out);
  assert.equal(parsed.result.trace.format, 'outpost.pipeline-trace');
  assert.deepEqual(parsed.result.outputs.db.items.map((i: any) => i.value), [2]);
  const diff = await cli(['pipeline', 'test', p, '--input', input, '--diff', w('v1.json', hot(1))]);
  assert.equal(diff.code, 0, diff.err);
  assert.match(diff.out, /1 output\(s\) differ:\n {2}db: changed \(a: 1 item\(s\), b: 2\)\n {4}\+ \{.*"value":50\}/);
});

test('outpost pipeline test --replay reads a running gateway\'s store; bad documents and inputs exit 2 naming the node or line', async (t) => {
  const { dir, w } = files(t);
  const cfg = loadConfig({ overrides: { gateway: { dataDir: dir, mqtt: { mode: 'off' }, http: { port: 0 }, ingest: { clockSkew: { correct: false } } } } });
  const gw = await startGateway(cfg.gateway, { now: () => T0 + 60_000 });
  t.after(() => gw.stop());
  const ingest = await fetch(`${gw.addresses.http}/v1/points`, { method: 'POST', body: JSON.stringify(samples), headers: { 'content-type': 'application/json' } });
  assert.equal(ingest.status, 200);
  const p = w('hot.json', hot(1));
  const r = await cli(['pipeline', 'test', p, '--replay', `d1,${T0},${new Date(T0 + 5000).toISOString()},temp`, '--url', gw.addresses.http]);
  assert.equal(r.code, 0, r.err);
  assert.match(r.out, /db \(store → hot\): 2 item\(s\)/);
  assert.match(r.out, /pipeline hot: 3 point\(s\)/);

  const cyclic = w('cyclic.json', { ...hot(1), edges: [...hot(1).edges, { from: 'f', to: 'in', toPort: 'in' }] });
  const bad = await cli(['pipeline', 'test', cyclic, '--replay', `d1,${T0},${T0 + 5000}`, '--url', gw.addresses.http]);
  assert.equal(bad.code, 2);
  assert.match(bad.err, /ERR_PIPELINE_INVALID.*node '(f|in)'/);
  const badExpr = w('expr.json', { ...hot(1), nodes: [hot(1).nodes[0], node('f', 'filter', { expression: 'value >' }), hot(1).nodes[2]] });
  const local = await cli(['pipeline', 'test', badExpr, '--input', w('s.jsonl', JSON.stringify(samples[0]))]);
  assert.equal(local.code, 2);
  assert.match(local.err, /ERR_PIPELINE_EXPRESSION.*node 'f'/);
  const badLine = await cli(['pipeline', 'test', p, '--input', w('bad.jsonl', `${JSON.stringify(samples[0])}\n{"device": "d1", "metric": "temp"}\n`)]);
  assert.equal(badLine.code, 2);
  assert.match(badLine.err, /line 2\.ts: expected epoch milliseconds/);
  assert.equal((await cli(['pipeline', 'test', p])).code, 2);
  assert.equal((await cli(['pipeline', 'test', p, '--replay', 'd1,-1h', '--url', gw.addresses.http])).code, 2);
  const down = await cli(['pipeline', 'test', p, '--replay', 'd1,-1h,now', '--url', 'http://127.0.0.1:9']);
  assert.equal(down.code, 4);
  assert.match(down.err, /cannot reach the gateway/);
});
