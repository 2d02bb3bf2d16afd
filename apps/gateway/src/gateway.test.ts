import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { join } from 'node:path';
import mqtt from 'mqtt';
import { isOutpostError } from '@outpost/contract';
import { loadConfig, type OutpostConfigInput } from '@outpost/config';
import { tempDir } from '@outpost/testing';
import { startGateway, type RunningGateway } from './gateway.js';

type Ctx = { after: (fn: () => unknown) => void };

async function start(t: Ctx, gateway: NonNullable<OutpostConfigInput['gateway']> = {}, opts = {}): Promise<RunningGateway> {
  const { dir, cleanup } = tempDir();
  const cfg = loadConfig({ overrides: { gateway: { dataDir: dir, ...gateway, mqtt: { port: 0, ...gateway.mqtt }, http: { port: 0, ...gateway.http } } } });
  const gw = await startGateway(cfg.gateway, opts);
  t.after(async () => { await gw.stop(); cleanup(); });
  return gw;
}

const post = (gw: RunningGateway, body: string | Buffer, headers: Record<string, string> = {}) =>
  fetch(`${gw.addresses.http}/v1/points`, { method: 'POST', body, headers: { 'content-type': 'application/json', ...headers } });

test('HTTP: a batch is answered 200 after commit, with per-point rejects, and is queryable', async (t) => {
  const gw = await start(t);
  const now = Date.now();
  const res = await post(gw, JSON.stringify([
    { device: 'inv-1', metric: 'active_power', ts: now, value: 4.2, unit: 'kW' },
    { device: 'inv-1', metric: 'temperature', ts: now, value: '71.3' },
  ]));
  assert.equal(res.status, 200);
  const body = await res.json() as { accepted: number; rejected: Array<{ reason: string; index: number; message: string }> };
  assert.equal(body.accepted, 1);
  assert.deepEqual(body.rejected.map((r) => [r.reason, r.index]), [['wrong_type', 1]]);
  const q = await (await fetch(`${gw.addresses.http}/v1/points?device=inv-1&from=${now - 1}&to=${new Date(now + 1).toISOString()}`)).json() as { points: Array<{ metric: string; value: number }> };
  assert.deepEqual(q.points.map((p) => [p.metric, p.value]), [['active_power', 4.2]]);
  const dl = await (await fetch(`${gw.addresses.http}/v1/dead-letters`)).json() as { deadLetters: Array<{ reason: string; raw: string }> };
  assert.equal(dl.deadLetters[0]!.reason, 'wrong_type');
  assert.match(dl.deadLetters[0]!.raw, /71\.3/);
});

test('HTTP bad input: malformed JSON, empty body, oversized body and too many points get clear errors and are counted', async (t) => {
  const gw = await start(t, { http: { maxBodyBytes: 1024 * 1024 } });
  const malformed = await post(gw, '{"device": "d", "metric": "m", "value": 1');
  assert.equal(malformed.status, 400);
  const mBody = await malformed.json() as { error: { code: string; message: string } };
  assert.equal(mBody.error.code, 'ERR_INGEST_MALFORMED');
  assert.match(mBody.error.message, /position|line|column/i);
  assert.equal((await post(gw, '')).status, 400);
  const big = await post(gw, Buffer.alloc(10 * 1024 * 1024, 0x20));
  assert.equal(big.status, 413);
  assert.equal(((await big.json()) as { error: { code: string } }).error.code, 'ERR_INGEST_TOO_LARGE');
  const many = JSON.stringify(Array.from({ length: 100_000 }, (_, i) => ({ device: 'd', metric: 'm', value: i })));
  const tooMany = await post(gw, many);
  assert.ok([413].includes(tooMany.status), `status ${tooMany.status}`);
  const badQuery = await fetch(`${gw.addresses.http}/v1/points?limit=abc`);
  assert.equal(badQuery.status, 400);
  assert.match(((await badQuery.json()) as { error: { message: string } }).error.message, /limit/);
  const badTime = await fetch(`${gw.addresses.http}/v1/points?from=yesterday`);
  assert.match(((await badTime.json()) as { error: { message: string } }).error.message, /from: expected epoch milliseconds or an ISO-8601/);
  const s = gw.status().ingest.rejected;
  assert.equal(s.malformed_json, 1);
  assert.equal(s.bad_shape, 1);
  assert.equal(s.too_large, 2);
  // The gateway still works.
  assert.equal((await post(gw, JSON.stringify({ device: 'd', metric: 'm', value: 1 }))).status, 200);
});

test('HTTP: a token, when configured, is required on every route but /health', async (t) => {
  const gw = await start(t, { http: { token: 'a-very-secret-token-123' } });
  assert.equal((await fetch(`${gw.addresses.http}/health`)).status, 200);
  const denied = await fetch(`${gw.addresses.http}/v1/points`);
  assert.equal(denied.status, 401);
  assert.equal(((await denied.json()) as { error: { code: string } }).error.code, 'ERR_AUTH_REQUIRED');
  assert.equal((await fetch(`${gw.addresses.http}/v1/points`, { headers: { authorization: 'Bearer wrong-token-wrong-token' } })).status, 401);
  assert.equal((await fetch(`${gw.addresses.http}/v1/points`, { headers: { authorization: 'Bearer a-very-secret-token-123' } })).status, 200);
});

test('a full store refuses HTTP input with 507 and Retry-After; everything acknowledged before is still there', async (t) => {
  const gw = await start(t, { store: { hardCapMb: 1, maxSizeMb: 1, retentionIntervalMs: 3_600_000 }, http: { maxBodyBytes: 8 * 1024 * 1024 } });
  let acked = 0;
  let last: Response | undefined;
  const base = Date.now() - 3_600_000;
  for (let k = 0; k < 300; k++) {
    const pts = Array.from({ length: 2000 }, (_, i) => ({ device: `d${i % 10}`, metric: 'vibration', ts: base + k * 2000 + i, value: i, tags: { line: 'x'.repeat(20) } }));
    last = await post(gw, JSON.stringify(pts));
    if (last.status !== 200) break;
    acked += ((await last.json()) as { accepted: number }).accepted;
  }
  assert.equal(last!.status, 507);
  assert.equal(last!.headers.get('retry-after'), '1');
  assert.equal(((await last!.json()) as { error: { code: string } }).error.code, 'ERR_STORE_FULL');
  let stored = 0;
  for (let d = 0; d < 10; d++) {
    const q = await (await fetch(`${gw.addresses.http}/v1/points?device=d${d}&limit=100000`)).json() as { count: number };
    stored += q.count;
  }
  assert.equal(stored, acked, 'every acknowledged point is stored, nothing unacknowledged is');
});

test('MQTT QoS 1 into the embedded broker: when PUBACK arrives the points are queryable', async (t) => {
  const gw = await start(t);
  const client = await mqtt.connectAsync(gw.addresses.mqtt!, { clientId: 'gw-test', reconnectPeriod: 0 });
  t.after(() => client.endAsync());
  const ts = Date.now();
  await client.publishAsync('site/plant-a/scada/inv-7/telemetry', JSON.stringify({ ts, temperature: 71.3, active_power: 4.2 }), { qos: 1 });
  const q = await (await fetch(`${gw.addresses.http}/v1/points?device=inv-7`)).json() as { points: Array<{ metric: string; value: number; tags?: Record<string, string> }> };
  assert.deepEqual(q.points.map((p) => [p.metric, p.value]).sort(), [['active_power', 4.2], ['temperature', 71.3]]);
  assert.equal(q.points[0]!.tags?.site, 'plant-a');
  await client.publishAsync('no/such/topic', '{}', { qos: 1 });
  assert.equal(gw.status().ingest.rejected.unknown_topic, 1);
});

test('a configured port that is taken fails with ERR_PORT_IN_USE; dev mode falls back to a free port', async (t) => {
  const blocker = createServer().listen(0, '127.0.0.1');
  await new Promise((r) => blocker.once('listening', r));
  t.after(() => blocker.close());
  const port = (blocker.address() as { port: number }).port;
  const { dir, cleanup } = tempDir();
  t.after(cleanup);
  const cfg = loadConfig({ overrides: { gateway: { dataDir: dir, mqtt: { port: 0 }, http: { port } } } });
  await assert.rejects(startGateway(cfg.gateway), (e) => isOutpostError(e, 'ERR_PORT_IN_USE') && e.message.includes(String(port)));
  const cfg1 = loadConfig({ overrides: { gateway: { dataDir: join(dir, 'a'), mqtt: { port }, http: { port: 0 } } } });
  await assert.rejects(startGateway(cfg1.gateway), (e) => isOutpostError(e, 'ERR_PORT_IN_USE') && e.message.startsWith('gateway.mqtt.port:') && e.message.includes(String(port)));
  const cfg2 = loadConfig({ overrides: { gateway: { dataDir: join(dir, 'b'), mqtt: { port }, http: { port } } } });
  const gw = await startGateway(cfg2.gateway, { fallbackToFreePorts: true });
  t.after(() => gw.stop());
  assert.ok(!gw.addresses.http.endsWith(`:${port}`));
  assert.ok(!gw.addresses.mqtt!.endsWith(`:${port}`));
});

test('status and Prometheus metrics report accepted and rejected counts', async (t) => {
  const gw = await start(t);
  await post(gw, JSON.stringify([{ device: 'd', metric: 'm', value: 1 }, { device: 'd', metric: 'm', value: Infinity }]));
  const metrics = await (await fetch(`${gw.addresses.http}/metrics`)).text();
  assert.match(metrics, /outpost_gateway_points_accepted_total 1/);
  const status = await (await fetch(`${gw.addresses.http}/v1/status`)).json() as { ingest: { accepted: number }; sources: Record<string, { state: string }> };
  assert.equal(status.ingest.accepted, 1);
  assert.equal(status.sources['mqtt-broker']!.state, 'running');
  const openapi = await (await fetch(`${gw.addresses.http}/openapi.json`)).json() as { paths: Record<string, unknown> };
  assert.ok(openapi.paths['/v1/points']);
});
