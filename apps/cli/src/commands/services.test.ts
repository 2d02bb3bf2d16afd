import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:net';
import { join } from 'node:path';
import { tempDir, waitFor } from '@outpost/testing';
import { loadConfig } from '@outpost/config';
import { run } from '../run.js';
import { captureIo } from '../test-io.js';
import { loadStartGateway } from '../services.js';

async function blockPort(): Promise<{ port: number; server: Server }> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { port: (server.address() as { port: number }).port, server };
}
const close = (s: Server) => new Promise<void>((r) => s.close(() => r()));

/** A stop signal the test fires, in place of Ctrl-C. */
function stopper(): { promise: Promise<string>; fire: () => void } {
  let fire!: () => void;
  const promise = new Promise<string>((r) => { fire = () => r('SIGINT'); });
  return { promise, fire };
}

test('outpost hub: prints its URL, serves /health, stops cleanly (exit 0)', async (t) => {
  const tmp = tempDir();
  t.after(() => tmp.cleanup());
  const stop = stopper();
  const io = captureIo({}, stop.promise);
  const exit = run(['hub', '--set', 'hub.port=0', '--set', `hub.dataDir=${tmp.dir}`, '--set', 'hub.log.level=silent'], io);
  // Stop the hub even when an assertion below fails, or it would keep this file running.
  t.after(async () => { stop.fire(); await exit; });
  const url = await waitFor(() => /outpost hub (http:\/\/127\.0\.0\.1:\d+)/.exec(io.stdout())?.[1], { timeoutMs: 30_000, what: 'hub URL' });
  assert.equal((await fetch(`${url}/health`)).status, 200);
  stop.fire();
  assert.equal(await exit, 0);
  assert.match(io.stdout(), /SIGINT: stopping the hub/);
  await assert.rejects(fetch(`${url}/health`), 'the hub no longer listens');
});

test('outpost hub: a configured port that is taken exits 3 naming the setting', async (t) => {
  const { port, server } = await blockPort();
  const tmp = tempDir();
  t.after(async () => { await close(server); tmp.cleanup(); });
  const io = captureIo({ OUTPOST_HUB_PORT: String(port), OUTPOST_HUB_DATA_DIR: tmp.dir, OUTPOST_HUB_LOG_LEVEL: 'silent' });
  assert.equal(await run(['hub'], io), 3);
  assert.equal(io.stderr(), `error [ERR_PORT_IN_USE]: hub.port: 127.0.0.1:${port} is already in use by another process; expected a free port (set hub.port or OUTPOST_HUB_PORT, 0 picks any)\n`);
});

test('outpost gateway: a configured port that is taken exits 3 (no fallback outside dev)', async (t) => {
  const { port, server } = await blockPort();
  const tmp = tempDir();
  t.after(async () => { await close(server); tmp.cleanup(); });
  const io = captureIo();
  const code = await run(['gateway', '--set', `gateway.http.port=${port}`, '--set', 'gateway.mqtt.mode=off',
    '--set', `gateway.dataDir=${tmp.dir}`, '--set', 'gateway.log.level=silent'], io);
  assert.equal(code, 3, io.stderr());
  assert.match(io.stderr(), new RegExp(`^error \\[ERR_PORT_IN_USE\\]: gateway\\.http\\.port: port ${port} on 127\\.0\\.0\\.1 is already in use`));
});

test('outpost gateway query: table and JSON from a real gateway; bad token and unreachable exit 4', async (t) => {
  const tmp = tempDir();
  const token = 'query-test-token-0123456789';
  const config = loadConfig({ overrides: { gateway: { dataDir: tmp.dir, http: { port: 0, token }, mqtt: { mode: 'off' }, log: { level: 'silent' } } } });
  const gw = await (await loadStartGateway())(config.gateway);
  t.after(async () => { await gw.stop(); tmp.cleanup(); });
  const base = gw.addresses.http;
  const ts = Date.now() - 1000;
  const points = [
    { device: 'pump-7', metric: 'pressure', ts, value: 2.5, unit: 'bar' },
    { device: 'pump-7', metric: 'pressure', ts: ts + 100, value: 2.75, unit: 'bar' },
    { device: 'pump-8', metric: 'pressure', ts, value: 9 },
  ];
  const post = await fetch(`${base}/v1/points`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` }, body: JSON.stringify(points) });
  assert.equal(post.status, 200, await post.clone().text());

  const table = captureIo({ OUTPOST_GATEWAY_HTTP_TOKEN: token });
  assert.equal(await run(['gateway', 'query', '--url', base, '--device', 'pump-7', '--metric', 'pressure', '--from', '-1h', '--to', 'now'], table), 0, table.stderr());
  const lines = table.stdout().trimEnd().split('\n');
  assert.match(lines[0]!, /^time +device +metric +value +unit +quality$/);
  assert.match(lines[1]!, new RegExp(`^${new Date(ts).toISOString()} +pump-7 +pressure +2\\.5 +bar +good$`));
  assert.match(lines[2]!, /pump-7 +pressure +2\.75 +bar +good$/);
  assert.equal(lines[3], '2 points');

  const json = captureIo();
  assert.equal(await run(['gateway', 'query', '--url', base, '--token', token, '--device', 'pump-8', '--json'], json), 0, json.stderr());
  assert.deepEqual(JSON.parse(json.stdout()).map((p: { device: string; value: number }) => [p.device, p.value]), [['pump-8', 9]]);

  const limited = captureIo();
  assert.equal(await run(['gateway', 'query', '--url', base, '--token', token, '--limit', '1', '--order', 'desc', '--json'], limited), 0);
  assert.equal(JSON.parse(limited.stdout()).length, 1);

  const wrongToken = captureIo();
  assert.equal(await run(['gateway', 'query', '--url', base, '--token', 'not-the-right-token-123'], wrongToken), 4);
  assert.match(wrongToken.stderr(), /^error: the gateway answered 401 ERR_AUTH_REQUIRED: /);

  const { port, server } = await blockPort();
  await close(server); // a port nobody listens on
  const unreachable = captureIo();
  assert.equal(await run(['gateway', 'query', '--url', `http://127.0.0.1:${port}`], unreachable), 4);
  assert.match(unreachable.stderr(), new RegExp(`^error: cannot reach the gateway at http://127\\.0\\.0\\.1:${port} \\(ECONNREFUSED\\)`));
});

test('outpost gateway: starts from config, prints addresses and the store path, stops on signal', async (t) => {
  const tmp = tempDir();
  t.after(() => tmp.cleanup());
  const stop = stopper();
  const io = captureIo({}, stop.promise);
  const exit = run(['gateway', '--set', 'gateway.http.port=0', '--set', 'gateway.mqtt.port=0', '--set', `gateway.dataDir=${tmp.dir}`, '--set', 'gateway.log.level=silent'], io);
  t.after(async () => { stop.fire(); await exit; });
  const http = await waitFor(() => /^ {2}http +(http:\/\/\S+)$/m.exec(io.stdout())?.[1], { timeoutMs: 30_000, what: 'gateway http address' });
  assert.match(io.stdout(), /^ {2}mqtt +mqtt:\/\/127\.0\.0\.1:\d+$/m);
  assert.ok(io.stdout().includes(`  store    ${join(tmp.dir, 'gateway.db')}\n`), io.stdout());
  assert.equal((await fetch(`${http}/v1/points?limit=1`)).status, 200);
  stop.fire();
  assert.equal(await exit, 0);
});
