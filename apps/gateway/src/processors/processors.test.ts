import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { waitFor } from '@outpost/testing';
import { generateSigningKeys, signBundle } from '@outpost/sandbox';
import { T0, startTestGateway, testDir } from '../pipelines/gateway-fixture.js';
import { processorPaths } from './installed.js';

const node = (id: string, kind: string, config: Record<string, unknown> = {}) => ({ id, kind, typeVersion: 1, config });

test('a pipeline on the gateway runs a processor deployed from the hub, by name, with its config checked', async (t) => {
  const dir = testDir(t);
  // What the artifact agent leaves behind: the pinned hub key and the active bundle of each processor.
  const hub = generateSigningKeys();
  const paths = processorPaths(dir);
  mkdirSync(paths.dir, { recursive: true });
  mkdirSync(dirname(paths.hubKey), { recursive: true });
  writeFileSync(paths.hubKey, hub.publicKeyPem);
  const manifest = { name: 'to-fahrenheit', version: '1.0.0', description: 'C to F', language: 'javascript' as const, configSchema: { type: 'object', properties: { offset: { type: 'number' } }, required: ['offset'] } };
  writeFileSync(join(paths.dir, 'to-fahrenheit'), JSON.stringify(signBundle({ manifest, source: "function process(d, ctx) { return d.map((p) => ({ ...p, metric: 'temp_f', value: p.value * 1.8 + ctx.config.offset })); }" }, hub.privateKeyPem)));
  writeFileSync(join(paths.dir, 'forged'), JSON.stringify(signBundle({ manifest: { ...manifest, name: 'forged' }, source: 'function process(d) { return d; }' }, generateSigningKeys().privateKeyPem)));

  const g = await startTestGateway(t, dir);
  const pipeline = (config: Record<string, unknown>) => ({
    schemaVersion: 1, id: 'fahrenheit',
    nodes: [node('in', 'input', { metrics: ['temp'] }), node('f', 'script', { processor: { name: 'to-fahrenheit', config } }), node('db', 'store', { table: 'points' })],
    edges: [{ from: 'in', to: 'f' }, { from: 'f', to: 'db' }],
  });
  const bad = await g.call('POST', '/v1/pipelines', { pipeline: pipeline({ offset: 'x' }), activate: true });
  assert.equal(bad.status, 400);
  assert.match(JSON.stringify(bad.json.error.details.issues), /config schema of to-fahrenheit@1\.0\.0/);
  const forged = await g.call('POST', '/v1/pipelines', { pipeline: { ...pipeline({}), nodes: [node('in', 'input'), node('f', 'script', { processor: { name: 'forged' } })], edges: [{ from: 'in', to: 'f' }] } });
  assert.equal(forged.status, 400, 'a bundle not signed by the hub was never loaded');
  const saved = await g.call('POST', '/v1/pipelines', { pipeline: pipeline({ offset: 32 }), activate: true });
  assert.equal(saved.status, 201, JSON.stringify(saved.json));
  await g.post([{ device: 'd1', metric: 'temp', ts: T0, value: 100 }, { device: 'd1', metric: 'temp', ts: T0 + 1000, value: 0 }]);
  const out = await waitFor(async () => { const p = (await g.call('GET', '/v1/points?metric=temp_f&from=0')).json.points; return p.length === 2 ? p : undefined; }, { what: 'processor outputs' });
  assert.deepEqual(out.map((p: { value: number }) => p.value), [212, 32]);
});
