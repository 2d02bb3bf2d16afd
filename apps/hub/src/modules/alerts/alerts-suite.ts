import type { TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gzipSync } from 'node:zlib';
import { waitFor } from '@outpost/testing';
import { encodeBatch, encodePointSet, UPLINK_HEADERS, UPLINK_PATHS } from '@outpost/contract/wire/index';
import { assertError, hubFixture, type Adapter, type Fixture } from '../../testkit/fixture.js';

const SECRET = 'hub-webhook-secret-of-32-characters';
const INJECTION = `x'; DROP TABLE alerts; --`;

async function gateway(f: Fixture, admin: string, hardwareId: string) {
  const reg = await f.call('POST', '/v1/registration-tokens', { token: admin, body: {} });
  const r = await f.call('POST', '/v1/register', { body: { token: reg.json.token, hardwareId } });
  assert.equal(r.status, 201, r.body);
  return r.json as { deviceId: string; deviceToken: { token: string } };
}

/** A real HTTP receiver that answers each delivery with the next status in `statuses` (then 200). */
async function receiver(t: TestContext, statuses: number[] = []) {
  const got: Array<{ sig: string; ts: string; body: string }> = [];
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      got.push({ sig: String(req.headers['x-outpost-signature']), ts: String(req.headers['x-outpost-timestamp']), body });
      res.statusCode = statuses.shift() ?? 200;
      res.end();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  t.after(() => new Promise<void>((r) => { server.closeAllConnections(); server.close(() => r()); }));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`, got };
}

function uplinkBatch(gatewayId: string, seq: number, items: Array<{ id: number; kind: string; body: Buffer }>, ts: number) {
  const body = gzipSync(encodeBatch({ gateway: gatewayId, stream: 's1', seq, createdMs: ts, items: items.map((i) => ({ ...i, class: i.kind === 'points' ? 'normal' : 'critical', createdMs: ts })) }));
  return (f: Fixture, token: string) => f.app.inject({ method: 'POST', url: UPLINK_PATHS.batches, payload: body, headers: {
    'content-type': 'application/x-protobuf', 'content-encoding': 'gzip', [UPLINK_HEADERS.token]: token, [UPLINK_HEADERS.gateway]: gatewayId,
    [UPLINK_HEADERS.stream]: 's1', [UPLINK_HEADERS.seq]: String(seq), [UPLINK_HEADERS.sha256]: createHash('sha256').update(body).digest('hex'),
  } });
}

const edgeAlert = (id: number, state: string, extra: Record<string, unknown> = {}) => ({
  id, rule: 'hot', key: 'pump-1', device: 'pump-1', severity: 'critical', state, message: 'temp 95 > 90', value: 95,
  points: [{ device: 'pump-1', metric: 'temp', ts: 1, value: 95 }], raisedAt: 1000, ackedAt: null, ackedBy: null, clearedAt: null, clearMessage: null, ...extra,
});

/** Hub alerts: edge history through the uplink, cloud rules on ingested data, webhooks, API and bad input. */
export async function alertsSuite(t: TestContext, adapter: Adapter): Promise<void> {
  await t.test('edge alerts from a gateway\'s uplink reach the hub history; acknowledge on the hub; other orgs see 404', async (t) => {
    const f = await hubFixture(t, adapter);
    if (!f) return;
    const { token } = await f.setup();
    const gw = await gateway(f, token, 'gw-alerts');
    const ts = f.clock.now;
    const changes = { gateway: 'local-id', changes: [{ change: 'raised', at: 1000, alert: edgeAlert(3, 'raised') }, { change: 'raised', at: 1000, alert: { id: 'not-a-number' } }] };
    const send = uplinkBatch(gw.deviceId, 1, [
      { id: 1, kind: 'points', body: Buffer.from(encodePointSet([{ device: 'pump-1', metric: 'temp', ts, value: 95 }])) },
      { id: 2, kind: 'alerts', body: Buffer.from(JSON.stringify(changes)) },
      { id: 3, kind: 'alerts', body: Buffer.from('{not json') },
    ], ts);
    const r = await send(f, gw.deviceToken.token);
    assert.equal(r.statusCode, 200, r.body);
    assert.equal(r.json().result, 'stored', 'malformed alert items do not fail the batch');
    const list = await f.call('GET', '/v1/alerts?state=open&source=edge', { token });
    assert.equal(list.status, 200, list.body);
    assert.deepEqual(list.json.items.map((a: { id: string; gateway: string; device: string; state: string }) => [a.id, a.gateway, a.device, a.state]), [[`edge-${gw.deviceId}-3`, gw.deviceId, 'pump-1', 'raised']]);
    const id = list.json.items[0].id as string;
    const acked = await f.call('POST', `/v1/alerts/${id}/ack`, { token, body: {} });
    assert.equal(acked.status, 200, acked.body);
    assert.equal(acked.json.state, 'acknowledged');
    assertError(await f.call('POST', `/v1/alerts/${id}/ack`, { token, body: {} }), 409, 'ERR_HUB_ALERT_STATE');
    // The gateway clears it later: the hub history follows.
    const cleared = uplinkBatch(gw.deviceId, 2, [{ id: 4, kind: 'alerts', body: Buffer.from(JSON.stringify({ changes: [{ change: 'cleared', at: 2000, alert: edgeAlert(3, 'cleared', { clearedAt: 2000, clearMessage: 'temp 70' }) }] })) }], ts);
    assert.equal((await cleared(f, gw.deviceToken.token)).statusCode, 200);
    const one = await f.call('GET', `/v1/alerts/${id}`, { token });
    assert.deepEqual([one.json.state, one.json.clearMessage, one.json.points.length], ['cleared', 'temp 70', 1]);
    const other = await f.org('Globex');
    assertError(await f.call('GET', `/v1/alerts/${id}`, { token: other.token }), 404, 'ERR_HUB_NOT_FOUND');
    assertError(await f.call('POST', `/v1/alerts/${id}/clear`, { token: other.token, body: {} }), 404, 'ERR_HUB_NOT_FOUND');
    assert.deepEqual((await f.call('GET', '/v1/alerts', { token: other.token })).json.items, []);
    assertError(await f.call('GET', '/v1/alerts'), 401, 'ERR_AUTH_REQUIRED');
    assertError(await f.call('GET', '/v1/alerts?state=burning', { token }), 400, 'ERR_HUB_INVALID');
    assert.deepEqual((await f.call('GET', `/v1/alerts?device=${encodeURIComponent(INJECTION)}`, { token })).json.items, []);
  });

  await t.test('cloud rules: bad rule sets are refused with the rule named; ingested points raise, a signed webhook is delivered with retries and logged; ack and clear', async (t) => {
    const f = await hubFixture(t, adapter);
    if (!f) return;
    const { token } = await f.setup();
    const hook = await receiver(t, [500]);
    const bad = await f.call('PUT', '/v1/alert-rules', { token, body: { rules: [{ id: 'hot', kind: 'threshold', metric: 'temp', op: '>', raise: 80, clear: 90 }] } });
    assertError(bad, 400, 'ERR_CONFIG_INVALID');
    assert.match(bad.json.error.message, /rules\[0\]/);
    const logAction = await f.call('PUT', '/v1/alert-rules', { token, body: { rules: [{ id: 'x', kind: 'threshold', metric: 'temp', op: '>', raise: 90, location: 'cloud', actions: [{ type: 'log' }] }] } });
    assertError(logAction, 400, 'ERR_CONFIG_INVALID');
    assert.match(logAction.json.error.message, /rules\[0\]\.actions\[0\]\.type: log actions/);
    assert.equal((await f.call('GET', '/v1/alert-rules', { token })).json.version, null, 'refused rule sets store nothing');
    const rules = [
      { id: 'hot', kind: 'threshold', metric: 'temp', op: '>', raise: 90, clear: 80, severity: 'critical', location: 'cloud', actions: [{ type: 'webhook', url: hook.url, secret: SECRET, maxAttempts: 3 }] },
      { id: 'edge-only', kind: 'threshold', metric: 'temp', op: '>', raise: 10, location: 'edge' },
    ];
    const put = await f.call('PUT', '/v1/alert-rules', { token, body: { rules } });
    assert.equal(put.status, 201, put.body);
    assert.deepEqual([put.json.version, put.json.evaluated, put.json.edgeOnly], [1, 1, ['edge-only']]);
    const member = await f.call('POST', '/v1/api-keys', { token, body: { name: 'reader', scopes: ['read'] } });
    assertError(await f.call('PUT', '/v1/alert-rules', { apiKey: member.json.secret, body: { rules } }), 403, 'ERR_AUTH_FORBIDDEN');
    const dev = await gateway(f, token, 'hw-pump');
    const ingest = (value: number, ts: number) => f.call('POST', '/v1/ingest', { token, body: { device_external_id: 'hw-pump', metrics: [{ name: 'temp', ts, value }] } });
    assert.equal((await ingest(95, f.clock.now)).status, 202);
    await waitFor(async () => (await f.call('GET', '/v1/alerts?state=open&source=cloud', { token })).json.items.length === 1, { what: 'a cloud alert' });
    const [a] = (await f.call('GET', '/v1/alerts?state=open', { token })).json.items;
    assert.deepEqual([a.rule, a.device, a.severity, a.gateway, a.points[0].value], ['hot', dev.deviceId, 'critical', null, 95]);
    assert.equal((await f.call('GET', '/v1/alerts?rule=edge-only', { token })).json.items.length, 0, 'edge rules are not evaluated on the hub');
    // The receiver answers 500 once, then 200: two attempts in the delivery log, the second ok.
    await waitFor(async () => (await f.call('GET', `/v1/alerts/deliveries?alertId=${a.id}&outcome=ok`, { token })).json.items.length === 1, { what: 'an ok delivery' });
    const log = (await f.call('GET', `/v1/alerts/deliveries?alertId=${a.id}`, { token })).json.items;
    assert.deepEqual(log.map((d: { attempt: number; outcome: string; status: number }) => [d.attempt, d.outcome, d.status]), [[2, 'ok', 200], [1, 'retry', 500]]);
    const { sig, ts, body } = hook.got[1]!;
    const expected = Buffer.from(`sha256=${createHmac('sha256', SECRET).update(`${ts}.${body}`).digest('hex')}`);
    assert.ok(timingSafeEqual(Buffer.from(sig), expected), 'the receiver verifies the HMAC as docs/alerts.md shows');
    assert.equal(JSON.parse(body).change, 'raised');
    // A second hot point does not raise again while open; acknowledge, then a cool point clears it.
    await ingest(97, f.clock.now + 1000);
    assertError(await f.call('POST', `/v1/alerts/${a.id}/ack`, { token, body: { by: 'someone-else' } }), 400, 'ERR_HUB_INVALID');
    const ack = await f.call('POST', `/v1/alerts/${a.id}/ack`, { token, body: {} });
    assert.deepEqual([ack.status, ack.json.state, ack.json.ackedBy], [200, 'acknowledged', ack.json.ackedBy]);
    assert.match(ack.json.ackedBy, /^user:/);
    await ingest(70, f.clock.now + 2000);
    await waitFor(async () => (await f.call('GET', `/v1/alerts/${a.id}`, { token })).json.state === 'cleared', { what: 'the alert cleared by a cool point' });
    assert.equal((await f.call('GET', '/v1/alerts?source=cloud', { token })).json.items.length, 1, 'one alert for the whole episode');
    // Raised again by a new hot point, cleared by hand.
    await ingest(99, f.clock.now + 3000);
    await waitFor(async () => (await f.call('GET', '/v1/alerts?state=open', { token })).json.items.length === 1, { what: 'a second alert' });
    const second = (await f.call('GET', '/v1/alerts?state=open', { token })).json.items[0];
    const manual = await f.call('POST', `/v1/alerts/${second.id}/clear`, { token, body: { message: 'pump replaced' } });
    assert.deepEqual([manual.status, manual.json.state, manual.json.clearMessage], [200, 'cleared', 'pump replaced']);
    assertError(await f.call('POST', `/v1/alerts/${second.id}/clear`, { token, body: {} }), 409, 'ERR_HUB_ALERT_STATE');
    const audit = (await f.call('GET', '/v1/audit?entity=alert', { token })).json;
    assert.deepEqual((audit.items ?? audit).map((e: { action: string }) => e.action), ['clear', 'acknowledge']);
  });
}
