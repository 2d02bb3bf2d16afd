import { test } from 'node:test';
import assert from 'node:assert/strict';
import { waitFor } from '@outpost/testing';
import { assertError, hubFixture, T0 } from '../../testkit/fixture.js';

test('GET /v1/metrics lists the metric names a device has points of, only for devices of the caller\'s organisation', async (t) => {
  const f = (await hubFixture(t, 'sqlite'))!;
  const { token } = await f.setup();
  const reg = await f.call('POST', '/v1/registration-tokens', { token, body: {} });
  const deviceId = (await f.call('POST', '/v1/register', { body: { token: reg.json.token, hardwareId: 'pump-1' } })).json.deviceId as string;
  assert.deepEqual((await f.call('GET', `/v1/metrics?device=${deviceId}`, { token })).json.items, [], 'no points yet');
  const key = (await f.call('POST', '/v1/api-keys', { token, body: { name: 'k', scopes: ['ingest'] } })).json.secret as string;
  const metrics = ['pressure', 'flow', 'motor/temp'].flatMap((name) => [0, 1, 2].map((i) => ({ name, ts: T0 + i * 1000, value: i })));
  const r = await f.call('POST', '/v1/ingest', { apiKey: key, body: { device_external_id: 'pump-1', metrics } });
  assert.equal(r.status, 202, r.body);
  await waitFor(async () => (await f.call('GET', `/v1/ingest/batches/${r.json.batchId}`, { token })).json.status === 'stored', { timeoutMs: 10_000, what: 'batch stored' });
  assert.deepEqual((await f.call('GET', `/v1/metrics?device=${deviceId}`, { token })).json.items, ['flow', 'motor/temp', 'pressure']);
  assertError(await f.call('GET', '/v1/metrics?device=nope', { token }), 404, 'ERR_HUB_NOT_FOUND');
  assertError(await f.call('GET', '/v1/metrics', { token }), 400, 'ERR_HUB_INVALID');
  const other = await f.org('Other');
  assertError(await f.call('GET', `/v1/metrics?device=${deviceId}`, { token: other.token }), 404, 'ERR_HUB_NOT_FOUND');
});
