import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import { UPLINK_HEADERS } from '@outpost/contract/wire/index';
import { HttpSender } from './sender.js';
import type { StoredBatch } from './outbox/batches.js';

test('a token provider is asked before every send and probe; a failing provider means retry, not delivered', async (t) => {
  const seen: IncomingHttpHeaders[] = [];
  const hub = createServer((req, res) => {
    seen.push(req.headers);
    req.resume().on('end', () => {
      res.setHeader('content-type', 'application/json');
      if (req.method === 'GET') return res.end('{"ok":true}');
      res.end(JSON.stringify({ result: 'stored', gateway: req.headers[UPLINK_HEADERS.gateway], stream: req.headers[UPLINK_HEADERS.stream], seq: Number(req.headers[UPLINK_HEADERS.seq]), sha256: req.headers[UPLINK_HEADERS.sha256] }));
    });
  });
  await new Promise<void>((r) => hub.listen(0, '127.0.0.1', r));
  t.after(() => new Promise<void>((r) => hub.close(() => r())));
  const url = `http://127.0.0.1:${(hub.address() as { port: number }).port}`;
  let n = 0;
  let failing = false;
  const sender = new HttpSender({
    url, gateway: 'dev-1', stream: 's1', timeoutMs: 2000,
    token: async () => { if (failing) throw new Error('hub unreachable while renewing the device token'); return `odt.token-${++n}`; },
  });
  const batch = (seq: number): StoredBatch => ({ seq, created: 0, items: 1, points: 1, encoding: 'identity', sha256: 'ab'.repeat(32), body: Buffer.from('x') });

  assert.equal((await sender.send(batch(1))).outcome, 'delivered');
  assert.equal((await sender.send(batch(2))).outcome, 'delivered');
  assert.deepEqual(await sender.probe(), { ok: true });
  assert.deepEqual(seen.map((h) => h[UPLINK_HEADERS.token]), ['odt.token-1', 'odt.token-2', 'odt.token-3']);

  failing = true;
  assert.deepEqual(await sender.send(batch(3)), { outcome: 'retry', reason: 'hub unreachable while renewing the device token' });
  assert.equal((await sender.probe()).ok, false);
  assert.equal(seen.length, 3, 'nothing is sent without a token');

  const fixed = new HttpSender({ url, gateway: 'gw', stream: 's', timeoutMs: 2000, token: 'a-static-token-0123' });
  assert.equal((await fixed.send(batch(4))).outcome, 'delivered');
  assert.equal(seen.at(-1)![UPLINK_HEADERS.token], 'a-static-token-0123');
});
