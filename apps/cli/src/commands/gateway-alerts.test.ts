import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadConfig } from '@outpost/config';
import { startGateway } from '@outpost/gateway';
import { freePort, tempDir } from '@outpost/testing';
import { run } from '../run.js';
import { captureIo } from '../test-io.js';

test('outpost gateway alerts lists the history of a running gateway and acknowledges / clears an alert', async (t) => {
  const { dir, cleanup } = tempDir();
  t.after(cleanup);
  const gw = await startGateway(loadConfig({ overrides: { gateway: {
    store: { path: `${dir}/gw.db` }, mqtt: { mode: 'off' }, http: { port: 0 },
    alerts: { rules: [{ id: 'hot', kind: 'threshold', metric: 'temp', op: '>', raise: 90, severity: 'critical' }] },
  } } }).gateway);
  t.after(() => gw.stop());
  const posted = await fetch(`${gw.addresses.http}/v1/points`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify([{ device: 'pump-1', metric: 'temp', ts: Date.now(), value: 95 }]) });
  assert.equal(posted.status, 200);
  const io = captureIo();
  assert.equal(await run(['gateway', 'alerts', '--url', gw.addresses.http, '--state', 'open'], io), 0, io.stderr());
  assert.match(io.stdout(), /^1 +raised +critical +hot +pump-1 /m);
  const ack = captureIo();
  assert.equal(await run(['gateway', 'alerts', '--url', gw.addresses.http, '--ack', '1', '--by', 'alice'], ack), 0, ack.stderr());
  assert.equal(ack.stdout(), 'alert 1 acknowledged\n');
  const clr = captureIo();
  assert.equal(await run(['gateway', 'alerts', '--url', gw.addresses.http, '--clear', '1'], clr), 0, clr.stderr());
  const json = captureIo();
  assert.equal(await run(['gateway', 'alerts', '--url', gw.addresses.http, '--json'], json), 0);
  const [a] = JSON.parse(json.stdout()) as { state: string; ackedBy: string }[];
  assert.deepEqual([a!.state, a!.ackedBy], ['cleared', 'alice']);
  const again = captureIo();
  assert.notEqual(await run(['gateway', 'alerts', '--url', gw.addresses.http, '--ack', '1'], again), 0);
  assert.match(again.stderr(), /the gateway answered 400: cannot acknowledge alert 1: it was already cleared/);
});

test('outpost gateway alerts names the gateway it cannot reach', async () => {
  const io = captureIo();
  assert.notEqual(await run(['gateway', 'alerts', '--url', `http://127.0.0.1:${await freePort()}`], io), 0);
  assert.match(io.stderr(), /cannot reach the gateway at http:\/\/127\.0\.0\.1:\d+/);
});
