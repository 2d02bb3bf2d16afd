import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { loadConfig } from '@outpost/config';
import { tempDir, waitFor } from '@outpost/testing';
import { startHubLink } from '../hub-link/supervisor.js';
import { fleetHub } from './fleet-kit.js';

const node = (id: string, kind: string, config: Record<string, unknown>) => ({ id, kind, typeVersion: 1, config });
const pipeline = (expression: string) => JSON.stringify({
  schemaVersion: 1, id: 'convert',
  nodes: [node('in', 'input', { metrics: ['temp'] }), node('calc', 'transform', { ops: [{ op: 'derive', metric: 'temp_f', expression }] }), node('keep', 'filter', { expression: "metric == 'temp_f'" }), node('db', 'store', { table: 'points' })],
  edges: [{ from: 'in', to: 'calc' }, { from: 'calc', to: 'keep' }, { from: 'keep', to: 'db' }],
});

test('a real hub-linked gateway: deploying a pipeline version to its device type makes it active there; a version that fails on the gateway is rolled back by the gateway and reported', async (t) => {
  const tmp = tempDir('outpost-linkdeploy-');
  const hub = await fleetHub(`${tmp.dir}/hub`);
  let link: Awaited<ReturnType<typeof startHubLink>> | undefined;
  t.after(async () => { await link?.stop(); await hub.stop(); tmp.cleanup(); });
  const type = (await hub.api('POST', '/v1/device-types', { name: 'press', metrics: [] })).json.id;
  const reg = (await hub.api('POST', '/v1/registration-tokens', { deviceTypeId: type })).json.token;
  const file = `${tmp.dir}/outpost.json`;
  writeFileSync(file, JSON.stringify({ gateway: { id: 'press-1', dataDir: `${tmp.dir}/gw`, http: { port: 0 }, mqtt: { mode: 'off' }, hub: { url: hub.url, registrationToken: reg, hardwareId: 'serial-1' } } }));
  link = await startHubLink({ load: (pushed) => loadConfig({ file, overrides: pushed ? { gateway: pushed } as never : {} }).gateway });
  const pipelines = () => link!.gateway()?.pipelines;

  assert.equal((await hub.api('PUT', '/v1/artifacts/pipeline/convert/1', undefined, Buffer.from(pipeline('value * 1.8 + 32')))).status, 201);
  const d1 = (await hub.api('POST', '/v1/deployments', { artifact: { kind: 'pipeline', name: 'convert', version: '1' }, target: { deviceType: type }, healthS: 0, start: true })).json;
  await waitFor(async () => (await hub.api('GET', `/v1/deployments/${d1.id}`)).json.state === 'completed', { timeoutMs: 30_000, what: 'pipeline 1 active on the gateway' });
  assert.equal(pipelines()?.stats().active.convert?.version, 1);

  // Compiles on the hub's check (it has nodes) but not on the gateway: refused at stage, version 1 keeps running.
  assert.equal((await hub.api('PUT', '/v1/artifacts/pipeline/convert/2', undefined, Buffer.from(pipeline('value * * 2')))).status, 201);
  const d2 = (await hub.api('POST', '/v1/deployments', { artifact: { kind: 'pipeline', name: 'convert', version: '2' }, target: { deviceType: type }, healthS: 0, start: true })).json;
  const done = await waitFor(async () => { const d = (await hub.api('GET', `/v1/deployments/${d2.id}`)).json; return d.state === 'completed' ? d : undefined; }, { timeoutMs: 30_000, what: 'deployment 2 settled' });
  assert.equal(done.progress.failed, 1);
  assert.match(done.failures[0].reason, /pipeline 'convert' has .*node 'calc'/);
  assert.equal(pipelines()?.stats().active.convert?.version, 1, 'the running version is untouched');
});
