import { test } from 'node:test';
import assert from 'node:assert/strict';
import { waitFor } from '@outpost/testing';
import { startLinkedGateway } from '../hub-link/linked-fixture.js';

const manifest = (version: string) => ({
  name: 'to-fahrenheit', version, description: 'C to F', language: 'javascript',
  configSchema: { type: 'object', properties: { offset: { type: 'number' } }, required: ['offset'] },
});
const source = (extra: number) => `function process(d, ctx) { return d.map((p) => ({ ...p, metric: 'temp_f', value: p.value * 1.8 + ctx.config.offset + ${extra} })); }`;

test('a processor uploaded to the hub is deployed to a gateway, runs in its pipeline, hot-swaps to a new version, and its usage reaches the hub', async (t) => {
  const { api, gw, device } = await startLinkedGateway(t, 'outpost-processor-deploy-');
  for (const [v, extra] of [['1.0.0', 0], ['2.0.0', 1000]] as const) {
    const up = await api('POST', '/v1/processors', { manifest: manifest(v), source: source(extra) });
    assert.equal(up.status, 201, up.text);
  }

  const deploy = async (version: string) => {
    const dep = await api('POST', '/v1/deployments', { artifact: { kind: 'processor', name: 'to-fahrenheit', version }, target: { devices: [device] }, start: true });
    assert.equal(dep.status, 201, dep.text);
    await waitFor(async () => (await api('GET', `/v1/deployments/${dep.json.id}`)).json.state === 'completed', { timeoutMs: 30_000, intervalMs: 200, what: `deployment of ${version} completed` });
  };
  await deploy('1.0.0');
  const pipeline = {
    schemaVersion: 1, id: 'fahrenheit',
    nodes: [
      { id: 'in', kind: 'input', typeVersion: 1, config: { metrics: ['temp'] } },
      { id: 'f', kind: 'script', typeVersion: 1, config: { processor: { name: 'to-fahrenheit', config: { offset: 32 } } } },
      { id: 'db', kind: 'store', typeVersion: 1, config: { table: 'points' } },
    ],
    edges: [{ from: 'in', to: 'f' }, { from: 'f', to: 'db' }],
  };
  const saved = await gw('POST', '/v1/pipelines', { pipeline, activate: true });
  assert.equal(saved.status, 201, saved.text);
  const t0 = Date.now() - 60_000;
  const fahrenheit = async (n: number) => waitFor(async () => {
    const p = (await gw('GET', '/v1/points?metric=temp_f&from=0')).json.points as Array<{ value: number }>;
    return p.length === n ? p.map((x) => x.value) : undefined;
  }, { what: `${n} processor outputs` });
  assert.equal((await gw('POST', '/v1/points', [{ device: 'oven', metric: 'temp', ts: t0, value: 100 }])).status, 200);
  assert.deepEqual(await fahrenheit(1), [212]);

  await deploy('2.0.0');
  assert.equal((await gw('POST', '/v1/points', [{ device: 'oven', metric: 'temp', ts: t0 + 1000, value: 0 }])).status, 200);
  assert.deepEqual(await fahrenheit(2), [212, 1032], 'the running pipeline node switched to 2.0.0 without a restart');

  const stats = await waitFor(async () => {
    const v = (await api('GET', '/v1/processors/to-fahrenheit/stats')).json.versions;
    return v['1.0.0']?.invocations === 1 && v['2.0.0']?.invocations === 1 ? v : undefined;
  }, { timeoutMs: 15_000, intervalMs: 200, what: 'usage of both versions in the hub' });
  assert.deepEqual([stats['2.0.0'].errors, stats['2.0.0'].devices], [0, 1]);
});
