import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import { loadConfig } from '@outpost/config';
import { encodeBatch, encodePointSet, UPLINK_HEADERS, UPLINK_PATHS } from '@outpost/contract/wire/index';
import { tempDir } from '@outpost/testing';
import Database from 'better-sqlite3';
import { createHub } from '../../server.js';

const TOKEN = 'gw-1-secret-token-0123';

async function hub(t: { after(fn: () => unknown): void }) {
  const { dir, cleanup } = tempDir();
  const config = loadConfig({ overrides: { hub: { port: 0, dataDir: dir, log: { level: 'silent' }, uplink: { gateways: { 'gw-1': TOKEN } } } } }).hub;
  const app = await createHub(config);
  t.after(async () => { await app.close(); cleanup(); });
  return { app, db: () => new Database(`${dir}/uplink.db`, { readonly: true }) };
}

function request(seq: number, opts: { points?: number; gateway?: string; body?: Buffer; sha?: string; token?: string; headerSeq?: string } = {}) {
  const points = Array.from({ length: opts.points ?? 3 }, (_, i) => ({ device: 'd1', metric: 'm', ts: 1_700_000_000_000 + seq * 1000 + i, value: i + 0.5 }));
  const raw = encodeBatch({ gateway: opts.gateway ?? 'gw-1', stream: 's1', seq, createdMs: 1, items: [{ id: seq, class: 'normal', kind: 'points', createdMs: 1, body: encodePointSet(points) }, { id: 100 + seq, class: 'critical', kind: 'alert', createdMs: 2, body: Buffer.from('{"rule":"hot"}') }] });
  const body = opts.body ?? gzipSync(raw);
  return {
    method: 'POST' as const, url: UPLINK_PATHS.batches, payload: body,
    headers: {
      'content-type': 'application/x-protobuf', 'content-encoding': 'gzip', [UPLINK_HEADERS.token]: opts.token ?? TOKEN,
      [UPLINK_HEADERS.gateway]: 'gw-1', [UPLINK_HEADERS.stream]: 's1', [UPLINK_HEADERS.seq]: opts.headerSeq ?? String(seq),
      [UPLINK_HEADERS.sha256]: opts.sha ?? createHash('sha256').update(body).digest('hex'),
    },
  };
}

test('a batch is verified, stored once and acknowledged; a re-send is acknowledged as duplicate and stores nothing', async (t) => {
  const { app, db } = await hub(t);
  const first = await app.inject(request(1));
  assert.equal(first.statusCode, 200, first.body);
  assert.deepEqual({ ...(first.json() as object), sha256: undefined }, { result: 'stored', gateway: 'gw-1', stream: 's1', seq: 1, points: 3, sha256: undefined });
  const again = await app.inject(request(1));
  assert.equal(again.json().result, 'duplicate');
  const d = db();
  assert.equal(d.prepare('SELECT COUNT(*) FROM uplink_points').pluck().get(), 3);
  assert.deepEqual(d.prepare('SELECT kind, class, body FROM uplink_items').all().map((r) => ({ ...(r as object), body: String((r as { body: Buffer }).body) })), [{ kind: 'alert', class: 'critical', body: '{"rule":"hot"}' }]);
  d.close();
});

test('a body that does not match its checksum is refused with 422 ERR_UPLINK_CHECKSUM and not stored', async (t) => {
  const { app, db } = await hub(t);
  const good = request(1);
  const damaged = Buffer.from(good.payload);
  damaged[damaged.length - 5]! ^= 0xff;
  const res = await app.inject({ ...good, payload: damaged });
  assert.equal(res.statusCode, 422);
  assert.equal(res.json().code, 'ERR_UPLINK_CHECKSUM');
  assert.equal((await app.inject(request(1))).json().result, 'stored');
  const d = db();
  assert.equal(d.prepare('SELECT COUNT(*) FROM uplink_points').pluck().get(), 3);
  d.close();
});

test('a wrong or missing token is 401 and stores nothing', async (t) => {
  const { app } = await hub(t);
  assert.equal((await app.inject(request(1, { token: 'wrong-token-000000000' }))).statusCode, 401);
  assert.equal((await app.inject({ method: 'GET', url: UPLINK_PATHS.probe, headers: { [UPLINK_HEADERS.gateway]: 'gw-1' } })).statusCode, 401);
  const probe = await app.inject({ method: 'GET', url: UPLINK_PATHS.probe, headers: { [UPLINK_HEADERS.gateway]: 'gw-1', [UPLINK_HEADERS.token]: TOKEN } });
  assert.equal(probe.statusCode, 200);
});

test('permanently invalid batches get 400 ERR_UPLINK_INVALID with the reason', async (t) => {
  const { app } = await hub(t);
  const garbage = Buffer.from('definitely not gzip');
  const cases = [
    { req: request(1, { body: garbage }), reason: /does not decompress/ },
    { req: request(2, { body: gzipSync(Buffer.from([0x0a, 0x05, 0x61])) }), reason: /not an outpost\.uplink\.v1\.Batch|differ from the authenticated/ },
    { req: request(3, { headerSeq: '4' }), reason: /differ from the authenticated gateway and headers/ },
    { req: request(5, { headerSeq: 'x' }), reason: /sequence number/ },
    { req: request(6, { sha: 'nope' }), reason: /hex SHA-256/ },
  ];
  for (const c of cases) {
    const res = await app.inject(c.req);
    assert.equal(res.statusCode, 400, res.body);
    assert.equal(res.json().code, 'ERR_UPLINK_INVALID');
    assert.match(res.json().message, c.reason);
  }
});

test('a sequence number reused with other content is refused as a conflict', async (t) => {
  const { app } = await hub(t);
  assert.equal((await app.inject(request(1, { points: 2 }))).statusCode, 200);
  const res = await app.inject(request(1, { points: 5 }));
  assert.equal(res.statusCode, 400);
  assert.match(res.json().message, /already stored with different content/);
});
