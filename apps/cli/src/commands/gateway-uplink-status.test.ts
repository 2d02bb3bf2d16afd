import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadConfig } from '@outpost/config';
import { startGateway } from '@outpost/gateway';
import { freePort, tempDir, waitFor } from '@outpost/testing';
import { run } from '../run.js';
import { captureIo } from '../test-io.js';

test('outpost gateway uplink-status shows link state, last error and pending points per class of a running gateway', async (t) => {
  const { dir, cleanup } = tempDir();
  t.after(cleanup);
  const deadHub = `http://127.0.0.1:${await freePort()}`;
  const gw = await startGateway(loadConfig({ overrides: { gateway: {
    store: { path: `${dir}/gw.db` }, mqtt: { mode: 'off' }, http: { port: 0 },
    uplink: { enabled: true, url: deadHub, backoffMinMs: 50, backoffMaxMs: 100 },
  } } }).gateway);
  t.after(() => gw.stop());
  const posted = await fetch(`${gw.addresses.http}/v1/points`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify([{ device: 'd', metric: 'm', ts: Date.now(), value: 1 }, { device: 'd', metric: 'm', ts: Date.now() + 1, value: 2 }]) });
  assert.equal(posted.status, 200);
  await waitFor(() => gw.uplink!.status().link.state === 'down', { what: 'the link to be down' });
  const io = captureIo();
  assert.equal(await run(['gateway', 'uplink-status', '--url', gw.addresses.http], io), 0, io.stderr());
  assert.match(io.stdout(), /^link {5}down/m);
  assert.match(io.stdout(), /^error {4}probe failed: fetch failed/m);
  assert.match(io.stdout(), /^normal +1 +2 /m);
  const json = captureIo();
  assert.equal(await run(['gateway', 'uplink-status', '--url', gw.addresses.http, '--json'], json), 0);
  assert.equal((JSON.parse(json.stdout()) as { pending: { normal: { points: number } } }).pending.normal.points, 2);
});

test('outpost gateway uplink-status names the gateway it cannot reach', async () => {
  const io = captureIo();
  const code = await run(['gateway', 'uplink-status', '--url', `http://127.0.0.1:${await freePort()}`], io);
  assert.notEqual(code, 0);
  assert.match(io.stderr(), /cannot reach the gateway at http:\/\/127\.0\.0\.1:\d+/);
});
