import { test } from 'node:test';
import assert from 'node:assert/strict';
import Fastify from 'fastify';
import type { AddressInfo } from 'node:net';
import Database from 'better-sqlite3';
import { createIngestor } from '@outpost/ingest';
import { GatewayStore } from '@outpost/storage';
import { registerUplinkRoutes, SharedTokenAuthenticator, SqliteUplinkStore } from '@outpost/hub/modules/uplink/index';
import { delay, waitFor } from '@outpost/testing';
import { createUplink, type CapacityEvent, type UplinkOptions } from '../index.js';
import { FaultProxy, type Fault } from './fault-proxy.js';
import { dirs, GATEWAY_ID, TOKEN } from './fixtures.js';
import { E2E_T0, hubPoints } from './load.js';
import { pointSetType } from '@outpost/contract/wire/schema';

/** The real hub endpoint and store in this process, a fault proxy in front, and a gateway core (store, ingestor, uplink). */
async function rig(t: { after(fn: () => unknown): void }, uplink: Partial<UplinkOptions> = {}) {
  const { dir } = dirs(t);
  const app = Fastify({ logger: false });
  await registerUplinkRoutes(app, { store: new SqliteUplinkStore(`${dir}/hub/uplink.db`), authenticator: new SharedTokenAuthenticator({ [GATEWAY_ID]: TOKEN }), maxBodyBytes: 16 << 20, maxDecodedBytes: 128 << 20 }, Date.now);
  await app.listen({ host: '127.0.0.1', port: 0 });
  t.after(() => app.close());
  const proxy = new FaultProxy(`http://127.0.0.1:${(app.server.address() as AddressInfo).port}`);
  await proxy.start();
  t.after(() => proxy.stop());
  const store = GatewayStore.open({ path: `${dir}/gw/gateway.db`, synchronous: 'normal' });
  const ingestor = createIngestor({ store });
  const up = createUplink({
    store, gateway: GATEWAY_ID, url: proxy.url, token: TOKEN,
    backoff: { minMs: 20, maxMs: 200 }, requestTimeoutMs: 400, probeIntervalMs: 500, batch: { minPoints: 100, maxPoints: 2000, lingerMs: 5 },
    ...uplink,
  });
  up.start();
  t.after(async () => { await up.stop(); await ingestor.close(); store.close(); });
  let next = 0;
  const ingest = async (n: number, devices = 4) => {
    const candidates = Array.from({ length: n }, (_, i) => ({ device: `dev-${i % devices}`, metric: 'm', ts: E2E_T0 + next + i, value: next + i }));
    next += n;
    await ingestor.ingest({ candidates, source: 'test', origin: 'faults', receivedAt: Date.now() });
  };
  const drained = () => waitFor(() => { const s = up.status(); return s.openBatch === null && Object.values(s.pending).every((c) => c.items === 0); }, { timeoutMs: 20_000, what: 'the outbox to drain' });
  return { dir, proxy, up, ingest, drained, ingested: () => next, hubDb: `${dir}/hub/uplink.db` };
}

test('hub errors, damaged bodies and broken answers: backoff, re-send, no loss, no duplicates, bounded memory', { timeout: 90_000 }, async (t) => {
  const { proxy, up, ingest, drained, ingested, hubDb } = await rig(t);
  const heap: number[] = [];
  const phase = async (fault: Fault, requests: number) => {
    proxy.fault = fault;
    for (let i = 0; i < 5; i++) await ingest(400);
    await waitFor(() => (proxy.seen.get(fault) ?? 0) >= requests, { timeoutMs: 15_000, what: `${requests} requests under ${fault}` });
    heap.push(process.memoryUsage().heapUsed);
  };
  await phase('pass', 1);
  await phase('corrupt-body', 2);
  assert.match(up.status().link.lastError ?? '', /422 ERR_UPLINK_CHECKSUM/);
  await phase('status-500', 4);
  // Backoff: while every batch fails, attempts spread out instead of hammering the hub.
  const since = Date.now();
  await delay(1000);
  const attempts = proxy.requestTimes.filter((x) => x >= since).length;
  // Full jitter in [20, 200] ms averages ~9 attempts/s; without backoff it would be hundreds.
  assert.ok(attempts <= 16, `${attempts} batch attempts in 1 s with backoff 20–200 ms`);
  await phase('slow', 2);
  assert.match(up.status().link.lastError ?? '', /timed out/);
  await phase('hang', 2);
  await phase('truncate', 2);
  await phase('garble', 2);
  assert.match(up.status().link.lastError ?? '', /without a valid acknowledgement/);
  proxy.fault = 'pass';
  await drained();
  const s = up.status();
  // slow/truncate/garble answers came after the hub had stored the batch: the re-send was a duplicate, acknowledged, stored once.
  assert.ok(s.delivered.duplicates >= 1, `duplicates acknowledged: ${s.delivered.duplicates}`);
  assert.equal(s.droppedPoints, 0);
  const at = hubPoints(hubDb);
  assert.equal(at.duplicates, 0);
  assert.equal(at.total, ingested(), 'every ingested point at the hub exactly once');
  for (const [device, seqs] of at.byDevice) for (let i = 1; i < seqs.length; i++) assert.ok(seqs[i]! > seqs[i - 1]!, `${device} out of order`);
  // One batch in flight and bounded batches: the heap does not grow with the number of failures.
  assert.ok(Math.max(...heap) - Math.min(...heap) < 64 * 1024 * 1024, `heap ranged ${heap.map((h) => Math.round(h / 1e6)).join(', ')} MB`);
  const db = new Database(hubDb, { readonly: true });
  assert.equal(db.prepare('SELECT COUNT(*) FROM uplink_batches').pluck().get(), s.delivered.batches, 'each delivered batch stored once, re-sends included');
  db.close();
});

test('a long outage overflows the cap: the oldest points are dropped, counted exactly, and capacity events reach the hub as critical items', { timeout: 60_000 }, async (t) => {
  const events: CapacityEvent[] = [];
  const { proxy, up, ingest, drained, ingested, hubDb } = await rig(t, { limits: { maxBytes: 24 * 1024 } });
  up.onCapacity((e) => events.push(e));
  proxy.fault = 'status-500';
  for (let i = 0; i < 100; i++) await ingest(200);
  const during = up.status();
  assert.ok(during.drops.normal.capacity.points > 0, 'the cap was reached');
  assert.ok(during.capacity.usedBytes <= 24 * 1024 + 4096, `used ${during.capacity.usedBytes}`);
  assert.deepEqual(events.map((e) => e.level), [0.8, 0.95]);
  proxy.fault = 'pass';
  await drained();
  const s = up.status();
  const at = hubPoints(hubDb);
  assert.equal(at.duplicates, 0);
  assert.equal(at.total + s.droppedPoints, ingested(), `hub ${at.total} + dropped ${s.droppedPoints} != ingested ${ingested()}`);
  assert.equal(s.droppedPoints, s.drops.normal.capacity.points);
  // Oldest first: per device, the newest points all arrived and the dropped ones form one run —
  // after the batch that was already in flight when the outage began (in-flight items are never dropped).
  for (const [device, seqs] of at.byDevice) {
    const last = seqs[seqs.length - 1]!;
    assert.equal(last, ingested() - 4 + Number(device.slice(4)), `${device} lost its newest points`);
    const gaps = seqs.filter((v, i) => i > 0 && v - seqs[i - 1]! !== 4).length;
    assert.ok(gaps <= 1, `${device}: ${gaps} separate runs of dropped points; expected the oldest to go first`);
  }
  const db = new Database(hubDb, { readonly: true });
  const items = db.prepare("SELECT class, body FROM uplink_items WHERE kind = 'event'").all() as Array<{ class: string; body: Buffer }>;
  db.close();
  assert.deepEqual(items.map((i) => [i.class, (JSON.parse(i.body.toString()) as CapacityEvent).level]), [['critical', 0.8], ['critical', 0.95]]);
});

test('a batch the hub rejects as invalid goes to the dead-letter table with the reason and does not block the queue', { timeout: 30_000 }, async (t) => {
  const { up, ingest, drained, ingested, hubDb } = await rig(t);
  await ingest(100);
  await drained();
  up.outbox.enqueue('normal', 'points', pointSetType().encode({ strings: ['d'], series: [{ device: 0, metric: 9, tsDelta: [1] }] }).finish());
  await drained();
  await ingest(300);
  await drained();
  const dead = up.outbox.batches.deadLetters();
  assert.equal(dead.length, 1);
  assert.equal(dead[0]!.code, 'ERR_UPLINK_INVALID');
  assert.match(dead[0]!.reason, /not a valid PointSet: series 0: a string index is out of range/);
  assert.equal(up.status().deadLettered, 1);
  assert.equal(up.status().drops.normal.rejected.items, 1);
  assert.equal(hubPoints(hubDb).total, ingested());
});

test('a bandwidth cap holds the drain to the configured bytes per second, and the buffer status reaches the hub with the batches', { timeout: 30_000 }, async (t) => {
  const RATE = 8000;
  const { up, ingest, drained, ingested, hubDb } = await rig(t, { rateLimitBytesPerS: RATE, batch: { minPoints: 200, maxPoints: 200, lingerMs: 0 } });
  await ingest(200);
  await drained();
  const before = up.status().delivered;
  const t0 = Date.now();
  for (let i = 0; i < 10; i++) await ingest(200);
  await drained();
  const elapsed = (Date.now() - t0) / 1000;
  const s = up.status();
  const bytes = s.delivered.wireBytes - before.wireBytes;
  assert.ok(s.delivered.batches - before.batches >= 5, `${s.delivered.batches - before.batches} batches`);
  // The pause follows each batch, so all but the last batch's bytes were paced.
  const lastBatch = bytes / (s.delivered.batches - before.batches);
  assert.ok(elapsed >= ((bytes - 2 * lastBatch) / RATE) * 0.9, `${bytes} bytes in ${elapsed} s at a cap of ${RATE} B/s`);
  assert.equal(hubPoints(hubDb).total, ingested());
  const db = new Database(hubDb, { readonly: true });
  const row = db.prepare('SELECT status FROM uplink_gateway_status WHERE gateway = ?').get(GATEWAY_ID) as { status: string } | undefined;
  db.close();
  assert.ok(row, 'the hub keeps the latest buffer status');
  const reported = JSON.parse(row.status) as { capacityBytes: number; classes: Array<{ class: string }> };
  assert.equal(reported.capacityBytes, up.status().capacity.maxBytes);
  assert.deepEqual(reported.classes.map((c) => c.class), ['critical', 'high', 'normal', 'low']);
});
