import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { waitFor } from '@outpost/testing';
import { AlertEngine } from '../engine.js';
import { openDb, pt } from '../test/support.js';

const SECRET = 'a-webhook-secret-of-32-characters';

async function receiver(handle: (req: IncomingMessage, body: string, res: ServerResponse, n: number) => void) {
  let n = 0;
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => handle(req, body, res, ++n));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
  return { url, close: () => new Promise<void>((r) => { server.closeAllConnections(); server.close(() => r()); }) };
}

function setup(url: string, extra: Record<string, unknown> = {}) {
  const { db, close } = openDb();
  const engine = new AlertEngine({
    db, retry: { baseMs: 20, maxMs: 100 },
    rules: [{ id: 'hot', kind: 'threshold', metric: 'temp', op: '>', raise: 90, actions: [{ type: 'webhook', url, secret: SECRET, maxAttempts: 3, timeoutMs: 5000, ...extra }] }],
  });
  const deliveries = () => db.prepare('SELECT attempt, outcome, status, detail FROM alert_deliveries ORDER BY id').all() as { attempt: number; outcome: string; status: number | null; detail: string | null }[];
  return { engine, deliveries, close: () => { engine.stop(); close(); } };
}

test('webhook: HMAC-SHA256 over timestamp.body verifies at the receiver', async () => {
  const got: { sig: string; ts: string; body: string }[] = [];
  const r = await receiver((req, body, res) => {
    got.push({ sig: String(req.headers['x-outpost-signature']), ts: String(req.headers['x-outpost-timestamp']), body });
    res.end('ok');
  });
  const s = setup(r.url);
  try {
    s.engine.process([pt('p1', 'temp', 95, 1)]);
    await waitFor(() => s.deliveries().some((d) => d.outcome === 'ok'), { what: 'a delivery' });
    const { sig, ts, body } = got[0]!;
    // receiver-side verification, as in docs/alerts.md
    const expected = Buffer.from(`sha256=${createHmac('sha256', SECRET).update(`${ts}.${body}`).digest('hex')}`);
    assert.ok(timingSafeEqual(Buffer.from(sig), expected));
    const forged = Buffer.from(`sha256=${createHmac('sha256', 'another-secret-of-some-length').update(`${ts}.${body}`).digest('hex')}`);
    assert.equal(timingSafeEqual(Buffer.from(sig), forged), false);
    assert.equal(JSON.parse(body).alert.rule, 'hot');
  } finally {
    s.close();
    await r.close();
  }
});

test('webhook: 500 is retried with backoff until it succeeds, every attempt logged', async () => {
  const r = await receiver((_req, _b, res, n) => { res.statusCode = n < 3 ? 500 : 204; res.end(); });
  const s = setup(r.url);
  try {
    s.engine.process([pt('p1', 'temp', 95, 1)]);
    await waitFor(() => s.deliveries().length === 3, { what: 'three attempts' });
    assert.deepEqual(s.deliveries().map((d) => [d.attempt, d.outcome, d.status]), [[1, 'retry', 500], [2, 'retry', 500], [3, 'ok', 204]]);
  } finally {
    s.close();
    await r.close();
  }
});

test('webhook: a receiver that hangs times out, is retried and finally fails without blocking evaluation', async () => {
  const r = await receiver(() => undefined);
  const s = setup(r.url, { timeoutMs: 300 });
  try {
    s.engine.process([pt('p1', 'temp', 95, 1)]);
    // evaluation goes on while the hook hangs
    assert.equal(s.engine.process([pt('p2', 'temp', 95, 2)]).length, 1);
    await waitFor(() => s.deliveries().filter((d) => d.outcome === 'failed').length === 2, { what: 'both deliveries to fail', timeoutMs: 10_000 });
    const first = s.deliveries().slice(0, 3);
    assert.deepEqual(first.map((d) => d.outcome), ['retry', 'retry', 'failed']);
    assert.match(first[0]!.detail!, /no answer within 300 ms/);
  } finally {
    s.close();
    await r.close();
  }
});

test('webhook: a redirect is not followed and fails at once', async () => {
  let elsewhere = 0;
  const other = await receiver((_q, _b, res) => { elsewhere++; res.end(); });
  const r = await receiver((_q, _b, res) => { res.writeHead(307, { location: other.url }); res.end(); });
  const s = setup(r.url);
  try {
    s.engine.process([pt('p1', 'temp', 95, 1)]);
    await waitFor(() => s.deliveries().length === 1 && s.engine.idle(), { what: 'the delivery' });
    const [d] = s.deliveries();
    assert.deepEqual([d!.outcome, d!.status], ['failed', 307]);
    assert.match(d!.detail!, /redirects are not followed/);
    assert.equal(elsewhere, 0);
  } finally {
    s.close();
    await r.close();
    await other.close();
  }
});
