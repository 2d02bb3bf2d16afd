import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadConfig } from '@outpost/config';
import { tempDir, waitFor } from '@outpost/testing';
import { startHub } from '../../server.js';

const PASSWORD = 'correct horse battery staple';

/** Reads server-sent events from a fetch body into `events`. */
function collect(body: ReadableStream<Uint8Array>, events: Array<{ event: string; data: any }>): void {
  const reader = body.pipeThrough(new TextDecoderStream()).getReader();
  let buf = '';
  void (async () => {
    for (;;) {
      const { value, done } = await reader.read().catch(() => ({ value: undefined, done: true }));
      if (done) return;
      buf += value;
      let i;
      while ((i = buf.indexOf('\n\n')) >= 0) {
        const block = buf.slice(0, i);
        buf = buf.slice(i + 2);
        const event = /^event: (.*)$/m.exec(block)?.[1];
        const data = /^data: (.*)$/m.exec(block)?.[1];
        if (event && data) events.push({ event, data: JSON.parse(data) });
      }
    }
  })();
}

test('GET /v1/events streams device status changes (online at a heartbeat, offline after missed beats) and open alert changes of the caller\'s organisation', async (t) => {
  const tmp = tempDir('outpost-live-');
  t.after(tmp.cleanup);
  const hub = await startHub(loadConfig({ overrides: { hub: { port: 0, dataDir: tmp.dir, heartbeatIntervalS: 1, log: { level: 'silent' } } } }).hub);
  t.after(() => hub.stop());
  const post = async (path: string, body: unknown, token?: string) => {
    const r = await fetch(`${hub.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) }, body: JSON.stringify(body) });
    return (await r.json()) as any;
  };
  await post('/v1/setup', { orgName: 'Plant', email: 'a@plant.test', password: PASSWORD });
  const token = (await post('/v1/sessions', { email: 'a@plant.test', password: PASSWORD })).token as string;

  assert.equal((await fetch(`${hub.url}/v1/events`)).status, 401, 'a credential is required');
  const ac = new AbortController();
  t.after(() => ac.abort());
  const res = await fetch(`${hub.url}/v1/events`, { headers: { authorization: `Bearer ${token}` }, signal: ac.signal });
  assert.equal(res.status, 200);
  assert.match(res.headers.get('content-type') ?? '', /text\/event-stream/);
  const events: Array<{ event: string; data: any }> = [];
  collect(res.body!, events);

  const reg = await post('/v1/registration-tokens', {}, token);
  const dev = await post('/v1/register', { token: reg.token, hardwareId: 'hw-1', name: 'press-1' });
  const statusOf = (s: string) => events.some((e) => e.event === 'devices' && e.data.changed.some((d: { id: string; status: string }) => d.id === dev.deviceId && d.status === s));
  await waitFor(() => statusOf('offline'), { timeoutMs: 5000, what: 'a new device, never seen, as offline' });
  await post('/v1/heartbeat', { status: 'online' }, dev.deviceToken.token);
  await waitFor(() => statusOf('online'), { timeoutMs: 5000, what: 'online after a heartbeat' });
  const before = events.length;
  // Three missed one-second beats make it offline again, with no request in between.
  await waitFor(() => events.slice(before).some((e) => e.event === 'devices' && e.data.changed.some((d: { status: string }) => d.status === 'offline')), { timeoutMs: 10_000, what: 'offline after missed beats' });

  // Open alerts: a cloud rule raises one from an ingested point; acknowledging changes it; clearing removes it.
  const rules = await fetch(`${hub.url}/v1/alert-rules`, { method: 'PUT', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` }, body: JSON.stringify({ rules: [{ id: 'hot', kind: 'threshold', metric: 'temp', op: '>', raise: 50, location: 'cloud' }] }) });
  assert.equal(rules.status, 201, await rules.text());
  const key = (await post('/v1/api-keys', { name: 'k', scopes: ['ingest'] }, token)).secret as string;
  const ingest = await fetch(`${hub.url}/v1/ingest`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-api-key': key }, body: JSON.stringify({ device_external_id: 'hw-1', metrics: [{ name: 'temp', ts: Date.now(), value: 80 }] }) });
  assert.equal(ingest.status, 202, await ingest.text());
  const alertIn = (state: string) => events.find((e) => e.event === 'alerts' && e.data.changed.some((a: { rule: string; state: string }) => a.rule === 'hot' && a.state === state));
  const raised = await waitFor(() => alertIn('raised'), { timeoutMs: 10_000, what: 'alerts event for the raised alert' });
  const id = raised.data.changed[0].id as string;
  await post(`/v1/alerts/${id}/ack`, {}, token);
  await waitFor(() => alertIn('acknowledged'), { timeoutMs: 5000, what: 'alerts event for the acknowledgement' });
  await post(`/v1/alerts/${id}/clear`, { message: 'checked' }, token);
  await waitFor(() => events.some((e) => e.event === 'alerts' && e.data.removed.includes(id)), { timeoutMs: 5000, what: 'alerts event removing the cleared alert' });
});
