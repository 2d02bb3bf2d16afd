import type { TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { waitFor } from '@outpost/testing';
import { makeArtifact } from '@outpost/ml';
import { assertError, hubFixture, type Adapter, type Fixture } from '../../testkit/fixture.js';
import { ingest, MIN } from '../training/suite.js';

const BASE = Date.UTC(2026, 9, 1, 0, 0, 0);
const N = 400;
const SPIKE = 300;

/** A flat noisy signal with one +25 spike at `spike`. */
function signal(seed: number, spike: number): number[] {
  let s = seed;
  const rnd = () => ((s = (s * 1103515245 + 12345) % 2 ** 31) / 2 ** 31) - 0.5;
  return Array.from({ length: N }, (_, i) => 50 + rnd() + (i === spike ? 25 : 0));
}

async function register(f: Fixture, token: string, typeName: string, hardwareId: string) {
  const type = (await f.call('POST', '/v1/device-types', { token, body: { name: typeName, metrics: [] } })).json as { id: string };
  const reg = await f.call('POST', '/v1/registration-tokens', { token, body: { deviceTypeId: type.id } });
  const dev = await f.call('POST', '/v1/register', { body: { token: reg.json.token, hardwareId } });
  assert.equal(dev.status, 201, dev.body);
  return { typeId: type.id, deviceId: dev.json.deviceId as string };
}

async function anomalies(f: Fixture, token: string, device: string, metric: string): Promise<any[]> {
  const r = await f.call('GET', `/v1/anomalies?device=${device}&metric=${metric}&from=${BASE}&to=${BASE + 10 * N * MIN}`, { token });
  assert.equal(r.status, 200, r.body);
  return r.json.items;
}

/** Live scoring against a real hub on the given store (PostgreSQL: live.postgres.integration.test.ts). */
export async function liveScoringSuite(t: TestContext, adapter: Adapter): Promise<void> {
  const f = await hubFixture(t, adapter, { maxBodyBytes: 8 * 1024 * 1024 });
  if (!f) return;
  const { token } = await f.setup();
  const pump = await register(f, token, 'pump', 'pump-1');
  const fan = await register(f, token, 'fan', 'fan-1');
  const key = (await f.call('POST', '/v1/api-keys', { token, body: { name: 'k', scopes: ['ingest', 'read', 'write'] } })).json.secret as string;
  const model = makeArtifact({ kind: 'zscore', params: { window: 100 } });
  assert.equal((await f.call('POST', '/v1/models/live-z/versions', { token, body: model })).status, 201);
  assert.equal((await f.call('POST', '/v1/models/live-z/versions', { token, body: model })).status, 201);

  // Bad input changes nothing: a metric name that is not one, an unknown device.
  assertError(await f.call('POST', '/v1/models/live-z/versions/1/deploy', { token, body: { devices: [pump.deviceId], metrics: [''] } }), 400, 'ERR_HUB_INVALID');
  assertError(await f.call('POST', '/v1/models/live-z/versions/1/deploy', { token, body: { devices: ['nope'], metrics: ['flow'] } }), 404, 'ERR_HUB_NOT_FOUND');

  const dep = await f.call('POST', '/v1/models/live-z/versions/1/deploy', { token, body: { devices: [pump.deviceId], metrics: ['flow'] } });
  assert.equal(dep.status, 200, dep.body);
  assert.deepEqual(dep.json.hubScoring, { metrics: ['flow'] });

  // flow is deployed, temp is not: both carry a spike at the same sample.
  await ingest(f, key, 'pump-1', 'flow', signal(7, SPIKE));
  await ingest(f, key, 'pump-1', 'temp', signal(8, SPIKE));
  await ingest(f, key, 'pump-1', 'flow', [50.1], BASE + N * MIN); // a later batch: everything before it was scored
  let flow: any[] = [];
  await waitFor(async () => (flow = await anomalies(f, token, pump.deviceId, 'flow')).length > 0, { timeoutMs: 20_000, intervalMs: 200, what: 'live scores of pump-1/flow' });
  assert.deepEqual(flow.map((a) => [a.ts, a.label, a.model, a.source]), [[BASE + SPIKE * MIN, 'spike', 'live-z@1', 'scoring']], JSON.stringify(flow));
  assert.ok(flow[0].score >= model.threshold);
  assert.deepEqual(await anomalies(f, token, pump.deviceId, 'temp'), []);

  // A device-type deploy scores the type's devices; a redeploy with metrics [] stops pump-1's scoring.
  // (Each deploy is a deployment; the previous one of the model is cancelled first, as it still runs.)
  const cancel = async (id: string) => assert.equal((await f.call('POST', `/v1/deployments/${id}/cancel`, { token })).status, 200);
  await cancel(dep.json.deployment.id);
  const toFans = await f.call('POST', '/v1/models/live-z/versions/2/deploy', { token, body: { deviceType: fan.typeId, metrics: ['flow'] } });
  assert.equal(toFans.status, 200, toFans.body);
  await cancel(toFans.json.deployment.id);
  const off = await f.call('POST', '/v1/models/live-z/versions/2/deploy', { token, body: { devices: [pump.deviceId], metrics: [] } });
  assert.deepEqual(off.json.hubScoring, { metrics: [] });
  await ingest(f, key, 'pump-1', 'flow', signal(9, 50), BASE + (N + 1) * MIN);
  await ingest(f, key, 'fan-1', 'flow', signal(10, SPIKE));
  let fanFlow: any[] = [];
  await waitFor(async () => (fanFlow = await anomalies(f, token, fan.deviceId, 'flow')).length > 0, { timeoutMs: 20_000, intervalMs: 200, what: 'live scores of fan-1/flow' });
  assert.deepEqual(fanFlow.map((a) => [a.ts, a.model]), [[BASE + SPIKE * MIN, 'live-z@2']]);
  // Batches are scored in order, so pump-1's later spike (at N + 51) was seen, and not scored.
  assert.deepEqual((await anomalies(f, token, pump.deviceId, 'flow')).map((a) => a.ts), [BASE + SPIKE * MIN]);
}
