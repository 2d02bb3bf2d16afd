import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fdatasync as fdatasyncReal } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { isOutpostError, type IngestInput, type Point } from '@outpost/contract';
import { GatewayStore } from '@outpost/storage';
import { tempDir } from '@outpost/testing';
import { createIngestor } from './ingestor.js';

function setup(t: { after: (fn: () => void) => void }, storeOpts = {}, ingestOpts = {}) {
  const { dir, cleanup } = tempDir();
  const path = join(dir, 'gw.db');
  const store = GatewayStore.open({ path, ...storeOpts });
  const ingestor = createIngestor({ store, ...ingestOpts });
  t.after(async () => { await ingestor.close(); store.close(); cleanup(); });
  return { store, ingestor, path };
}

const now = Date.now();
const input = (candidates: IngestInput['candidates'], extra: Partial<IngestInput> = {}): IngestInput => ({ source: 'test', origin: 'unit', candidates, receivedAt: now, ...extra });

test('ingest resolves only once the points are readable from another connection (committed)', async (t) => {
  const { ingestor, path } = setup(t);
  const pending = ingestor.ingest(input([{ device: 'd1', metric: 'temperature', value: 20.5, ts: now }]));
  const reader = new Database(path, { readonly: true });
  t.after(() => reader.close());
  const count = () => reader.prepare('SELECT COUNT(*) FROM points').pluck().get() as number;
  assert.equal(count(), 0, 'nothing is visible before the group commit');
  const outcome = await pending;
  assert.deepEqual(outcome, { accepted: 1, rejected: [] });
  assert.equal(count(), 1);
});

test('concurrent inputs share one commit, and each gets its own outcome with per-point rejects', async (t) => {
  const { ingestor, store } = setup(t);
  const a = ingestor.ingest(input([{ device: 'a', metric: 'm', value: 1, ts: now }, { device: 'a', metric: 'm', value: 'NaN', ts: now + 1 }]));
  const b = ingestor.ingest(input([{ device: 'b', metric: 'm', value: 2, ts: now }]));
  const [ra, rb] = await Promise.all([a, b]);
  assert.equal(ra.accepted, 1);
  assert.equal(ra.rejected.length, 1);
  assert.equal(ra.rejected[0]!.reason, 'not_finite');
  assert.equal(ra.rejected[0]!.index, 1);
  assert.deepEqual(rb, { accepted: 1, rejected: [] });
  assert.equal(ingestor.stats().commits, 1);
  assert.equal(store.countPoints(), 2);
  const dl = store.deadLetters();
  assert.equal(dl.length, 1);
  assert.equal(dl[0]!.reason, 'not_finite');
  assert.match(dl[0]!.message, /1 of 2 point\(s\) rejected/);
});

test('duplicates (same device, metric, ts) are stored once, reported and counted, not dead-lettered', async (t) => {
  const { ingestor, store } = setup(t);
  const p = { device: 'd', metric: 'm', value: 1, ts: now };
  await ingestor.ingest(input([p]));
  const r = await ingestor.ingest(input([p, { ...p, ts: now + 1 }, { ...p, ts: now + 1 }]));
  assert.equal(r.accepted, 1);
  assert.deepEqual(r.rejected.map((x) => [x.reason, x.index]), [['duplicate', 0], ['duplicate', 2]]);
  assert.equal(ingestor.stats().duplicates, 2);
  assert.equal(ingestor.stats().rejected.duplicate, 2);
  assert.equal(store.countPoints(), 2);
  assert.equal(store.deadLetters().length, 0);
});

test('a rejected input is dead-lettered with its raw payload and reason, and counted', async (t) => {
  const { ingestor, store } = setup(t);
  await ingestor.rejectInput({ source: 'mqtt', origin: 'site/x/unknown', raw: '{"oops"', receivedAt: now }, { reason: 'malformed_json', message: 'Unexpected end of JSON input at position 7' });
  const dl = store.deadLetters();
  assert.deepEqual([dl[0]!.reason, dl[0]!.origin, dl[0]!.raw], ['malformed_json', 'site/x/unknown', '{"oops"']);
  assert.equal(ingestor.stats().rejected.malformed_json, 1);
});

test('rejects are logged once per reason per interval, not once per point', async (t) => {
  const lines: string[] = [];
  const logger = { debug() {}, info() {}, error() {}, warn: (_o: object, m?: string) => { lines.push(m ?? ''); } };
  const { ingestor } = setup(t, {}, { logger, rejectLogIntervalMs: 60_000 });
  const bad = Array.from({ length: 1000 }, (_, i) => ({ device: 'd', metric: 'm', value: '1', ts: now + i }));
  await ingestor.ingest(input(bad));
  await ingestor.ingest(input([{ device: 'd', metric: 'm', value: Infinity }]));
  assert.equal(ingestor.stats().rejected.wrong_type, 1000);
  assert.equal(lines.length, 2, lines.join('\n'));
});

test('a full store refuses with ERR_STORE_FULL; nothing of the refused input is kept; earlier data is intact', async (t) => {
  const { ingestor, store } = setup(t, { hardCapMb: 1 });
  let accepted = 0;
  let refused: unknown;
  for (let k = 0; k < 500 && !refused; k++) {
    const pts = Array.from({ length: 1000 }, (_, i) => ({ device: `dev-${i % 20}`, metric: 'vibration', value: i, ts: now - 1e6 + k * 1000 + i, tags: { note: 'x'.repeat(30) } }));
    try { accepted += (await ingestor.ingest(input(pts))).accepted; } catch (e) { refused = e; }
  }
  assert.ok(isOutpostError(refused, 'ERR_STORE_FULL'), String(refused));
  assert.equal(store.countPoints(), accepted);
  assert.equal(ingestor.stats().commitFailures, 1);
  assert.match(ingestor.stats().lastCommitError ?? '', /full/);
});

test('committed listeners see exactly the stored points, without duplicates', async (t) => {
  const { ingestor } = setup(t);
  const seen: Point[] = [];
  ingestor.onCommitted((pts) => seen.push(...pts));
  await ingestor.ingest(input([{ device: 'd', metric: 'm', value: 1, ts: now }, { device: 'd', metric: 'm', value: 1, ts: now }]));
  assert.equal(seen.length, 1);
});

test('accepted listeners see each input\'s valid points at once, before the commit (duplicates included, rejects not)', async (t) => {
  const { ingestor, path } = setup(t);
  const reader = new Database(path, { readonly: true });
  t.after(() => reader.close());
  const seen: string[] = [];
  const stored: number[] = [];
  ingestor.onAccepted((points) => {
    stored.push(reader.prepare('SELECT COUNT(*) FROM points').pluck().get() as number);
    seen.push(points.map((p) => `${p.device}:${p.value}`).join(','));
  });
  await ingestor.ingest(input([{ device: 'd', metric: 'm', value: 1, ts: now }]));
  const second = ingestor.ingest(input([{ device: 'd', metric: 'm', value: 1, ts: now }, { device: 'd', metric: 'm', value: 'NaN', ts: now + 1 }, { device: 'd', metric: 'm', value: 3, ts: now + 2 }]));
  assert.deepEqual(seen, ['d:1', 'd:1,d:3'], 'synchronously, within ingest()');
  assert.deepEqual(stored, [0, 1], 'before their own commit');
  assert.equal((await second).rejected.length, 2, 'the duplicate and the bad value are still rejected at commit');
});

test('per-point outcomes name candidate indexes when a rejected candidate sits between duplicates', async (t) => {
  const { ingestor } = setup(t);
  await ingestor.ingest(input([{ device: 'x', metric: 'm', value: 1, ts: now }, { device: 'x', metric: 'm', value: 4, ts: now + 3 }]));
  const r = await ingestor.ingest(input([
    { device: 'x', metric: 'm', value: 1, ts: now }, // 0: already stored
    { device: 'x', metric: 'm', value: 'NaN', ts: now + 1 }, // 1: not finite
    { device: 'x', metric: 'm', value: 3, ts: now + 2 }, // 2: new
    { device: 'x', metric: 'm', value: 4, ts: now + 3 }, // 3: already stored
  ]));
  assert.equal(r.accepted, 1);
  assert.deepEqual(r.rejected.map((x) => [x.reason, x.index]), [['not_finite', 1], ['duplicate', 0], ['duplicate', 3]]);
  assert.match(r.rejected[2]!.message, /^point 3 \(x\/m\)/);
});

test('after close, input is refused with ERR_STORE_CLOSED rather than silently dropped', async (t) => {
  const { ingestor } = setup(t);
  await ingestor.close();
  await assert.rejects(ingestor.ingest(input([{ device: 'd', metric: 'm', value: 1 }])), (e) => isOutpostError(e, 'ERR_STORE_CLOSED'));
});

test('ingest-to-commit latency is measured per input: the group-commit wait shows in it', async (t) => {
  const { ingestor } = setup(t, {}, { groupCommit: { maxDelayMs: 30 } });
  assert.deepEqual(ingestor.stats().commitLatencyMs, { count: 0, p50: null, p99: null, max: 0 });
  await Promise.all([0, 1, 2].map((i) => ingestor.ingest(input([{ device: 'd', metric: 'm', value: i, ts: now + i }]))));
  const l = ingestor.stats().commitLatencyMs;
  assert.equal(l.count, 3);
  // Each input waited for the 30 ms group-commit window (log buckets: within ±10 %).
  assert.ok(l.p50! >= 25 && l.max >= 29, JSON.stringify(l));
  assert.ok(l.p99! <= l.max * 1.1 + 1);
});

test('an input is acknowledged only after the WAL sync that follows its commit has completed', async (t) => {
  const held: (() => void)[] = [];
  let syncs = 0;
  let hold = true;
  // Holds each fdatasync until the test releases it (a real sync runs at release).
  const fdatasync = (fd: number, cb: (err: NodeJS.ErrnoException | null) => void) => {
    syncs++;
    const run = () => fdatasyncReal(fd, cb);
    if (hold) held.push(run);
    else run();
  };
  const { ingestor, path } = setup(t, { fdatasync });
  let acked = false;
  const pending = ingestor.ingest(input([{ device: 'd1', metric: 'm', value: 1, ts: now }])).then((o) => { acked = true; return o; });
  const reader = new Database(path, { readonly: true });
  t.after(() => reader.close());
  await new Promise((r) => setTimeout(r, 50));
  assert.equal(reader.prepare('SELECT COUNT(*) FROM points').pluck().get(), 1, 'the commit is done (visible to another connection)');
  assert.equal(syncs, 1, 'one WAL sync was started after the commit');
  assert.equal(acked, false, 'but nothing is acknowledged while the sync runs');
  // Commits made while a sync runs wait for the next one, which covers them all.
  const second = ingestor.ingest(input([{ device: 'd2', metric: 'm', value: 2, ts: now }]));
  const third = ingestor.ingest(input([{ device: 'd3', metric: 'm', value: 3, ts: now }]));
  await new Promise((r) => setTimeout(r, 50));
  assert.equal(syncs, 1, 'no second sync starts while the first runs');
  held.shift()!();
  assert.deepEqual(await pending, { accepted: 1, rejected: [] });
  await new Promise((r) => setTimeout(r, 20));
  assert.equal(syncs, 2, 'the waiting commits share one following sync');
  hold = false;
  held.shift()!();
  assert.deepEqual((await Promise.all([second, third])).map((o) => o.accepted), [1, 1]);
  assert.equal(ingestor.stats().accepted, 3);
  assert.equal(ingestor.stats().commits, 2, 'inputs that arrived during the first sync waited for it and went into one commit');
});

test('a failed WAL sync refuses the inputs it covered and every later one; what was stored stays readable', async (t) => {
  let fail = false;
  const fdatasync = (fd: number, cb: (err: NodeJS.ErrnoException | null) => void) => {
    if (!fail) return fdatasyncReal(fd, cb);
    const err = Object.assign(new Error('EIO: i/o error, fdatasync'), { code: 'EIO' });
    setImmediate(() => cb(err));
  };
  const { ingestor, store } = setup(t, { fdatasync });
  assert.equal((await ingestor.ingest(input([{ device: 'ok', metric: 'm', value: 1, ts: now }]))).accepted, 1);
  fail = true;
  await assert.rejects(ingestor.ingest(input([{ device: 'lost', metric: 'm', value: 2, ts: now }])), (e: unknown) => isOutpostError(e, 'ERR_STORE_WRITE') && /fdatasync .* failed \(EIO\)/.test((e as Error).message));
  fail = false;
  await assert.rejects(ingestor.ingest(input([{ device: 'later', metric: 'm', value: 3, ts: now }])), (e: unknown) => isOutpostError(e, 'ERR_STORE_WRITE') && /refuses writes.*restart the gateway/.test((e as Error).message), 'a sync failure is permanent: later input is refused, not acknowledged');
  assert.equal(store.queryPoints({ device: 'ok' }).length, 1);
  assert.equal(ingestor.stats().accepted, 1);
  assert.ok(ingestor.stats().commitFailures >= 2);
});

test('commits that defer their sync leave the connection at synchronous=FULL for every other writer', async (t) => {
  const { ingestor, store } = setup(t);
  await ingestor.ingest(input([{ device: 'd', metric: 'm', value: 1, ts: now }]));
  assert.equal(store.db.pragma('synchronous', { simple: true }), 2, 'FULL');
  const inline = setup(t, { walSync: 'inline' });
  await inline.ingestor.ingest(input([{ device: 'd', metric: 'm', value: 1, ts: now }]));
  assert.equal(inline.store.db.pragma('synchronous', { simple: true }), 2, 'FULL');
});
