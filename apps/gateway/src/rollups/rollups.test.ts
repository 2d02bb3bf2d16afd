import { test } from 'node:test';
import assert from 'node:assert/strict';
import { waitFor } from '@outpost/testing';
import { MIN, T0, startTestGateway, testDir } from '../pipelines/gateway-fixture.js';

const pt = (ts: number, value: number, device = 'press-1', metric = 'temp') => ({ device, metric, ts, value });
const rows = async (g: Awaited<ReturnType<typeof startTestGateway>>, q: string) => (await g.call('GET', `/v1/rollups?${q}`)).json.rollups as Array<Record<string, any>>;

test('rollups: 1 min and 15 min rows appear for committed points; a late point within lateness revises its bucket', async (t) => {
  const g = await startTestGateway(t, testDir(t));
  g.clock.t = T0 + 2 * MIN;
  await g.post([pt(T0 + 1000, 10), pt(T0 + 20_000, 20), pt(T0 + 50_000, 30), pt(T0 + 30_000, 5, 'press-2')]);
  // A point in the next minute moves press-1's watermark past the first bucket: it closes.
  await g.post([pt(T0 + MIN + 1000, 100)]);
  const first = await waitFor(async () => (await rows(g, 'device=press-1&metric=temp&window=1m')).find((r) => r.start === T0), { what: '1m row' });
  assert.deepEqual([first.count, first.min, first.max, first.avg, first.sum, first.first, first.last, first.revision], [3, 10, 30, 20, 60, 10, 30, 1]);
  assert.equal(first.end, T0 + MIN);
  // Late (bucket ended 1 min ago, lateness 5 min): the row is rewritten with revision 2.
  await g.post([pt(T0 + 40_000, 40)]);
  const revised = await waitFor(async () => (await rows(g, 'device=press-1&window=1m')).find((r) => r.start === T0 && r.revision === 2), { what: 'revised row' });
  assert.deepEqual([revised.count, revised.max, revised.sum], [4, 40, 100]);
  // press-2 went quiet: the 1-second tick closes its bucket once host time passes its end + idle.
  g.clock.t = T0 + 3 * MIN;
  const quiet = await waitFor(async () => (await rows(g, 'device=press-2&window=1m'))[0], { what: 'idle bucket closed by tick' });
  assert.equal(quiet.count, 1);
  // Too late (beyond 5 min lateness) is rejected and counted, the row stays as it was.
  g.clock.t = T0 + 10 * MIN;
  await g.post([pt(T0 + 9 * MIN, 1)]);
  await g.post([pt(T0 + 2000, 999)]);
  const st = await waitFor(async () => { const s = (await g.call('GET', '/v1/rollups/status')).json; return s.late >= 1 ? s : undefined; }, { what: 'late counted' });
  assert.ok(st.accepted >= 6);
  assert.equal((await rows(g, 'device=press-1&window=1m')).find((r) => r.start === T0)!.max, 40);
  // The 15 min bucket is still open; it is written at shutdown (flush).
  assert.equal((await rows(g, 'window=15m')).length, 0);
  await g.gw.stop();
});

test('rollups: a restart rebuilds the open bucket from raw points, so the pre-restart part is not lost', async (t) => {
  const dir = testDir(t);
  const clock = { t: T0 + 5 * MIN + 30_000 };
  const a = await startTestGateway(t, dir, {}, clock);
  await a.post([pt(T0 + 5 * MIN + 1000, 1), pt(T0 + 5 * MIN + 2000, 2), pt(T0 + 2 * MIN, 7)]);
  await a.gw.stop();
  const b = await startTestGateway(t, dir, {}, clock);
  const status = (await b.call('GET', '/v1/rollups/status')).json;
  assert.equal(status.rebuiltPoints, 3);
  await b.post([pt(T0 + 5 * MIN + 3000, 3)]);
  clock.t = T0 + 16 * MIN;
  await b.post([pt(T0 + 15 * MIN + 1000, 50)]); // closes the 1 min bucket and the 15 min bucket of minute 0–15
  const minute = await waitFor(async () => (await rows(b, 'device=press-1&window=1m')).find((r) => r.start === T0 + 5 * MIN && r.count === 3), { what: 'rebuilt 1m row' });
  assert.deepEqual([minute.sum, minute.first, minute.last], [6, 1, 3]);
  const quarter = await waitFor(async () => (await rows(b, 'device=press-1&window=15m')).find((r) => r.start === T0 && r.count === 4), { what: 'rebuilt 15m row' });
  assert.equal(quarter.sum, 13);
});

test('rollups: bad queries are 400 with the field named; disabled rollups answer 404', async (t) => {
  const g = await startTestGateway(t, testDir(t));
  const badWindow = await g.call('GET', '/v1/rollups?window=5m');
  assert.equal(badWindow.status, 400);
  assert.match(badWindow.json.error.message, /window: expected one of the configured rollup intervals \(1m, 15m\)/);
  const badFrom = await g.call('GET', '/v1/rollups?window=1m&from=yesterday');
  assert.equal(badFrom.status, 400);
  assert.match(badFrom.json.error.message, /^from: /);
  assert.equal((await g.call('GET', '/v1/rollups?window=1m&limit=0')).status, 400);
  const off = await startTestGateway(t, testDir(t), { rollups: { enabled: false } });
  assert.equal((await off.call('GET', '/v1/rollups?window=1m')).status, 404);
});

test('rollups: retention deletes rows older than gateway.rollups.retentionDays, separately from raw retention', async (t) => {
  const dir = testDir(t);
  const clock = { t: T0 };
  const a = await startTestGateway(t, dir, { store: { retentionRawDays: 365, retentionIntervalMs: 20 }, ingest: { maxPastMs: 400 * 86_400_000 }, rollups: { retentionDays: 1 } }, clock);
  await a.post([pt(T0 + 1000, 1), pt(T0 + MIN + 1000, 2)]);
  await waitFor(async () => (await rows(a, 'window=1m')).length === 1, { what: 'row' });
  clock.t = T0 + 2 * 86_400_000;
  await waitFor(async () => (await rows(a, 'window=1m')).length === 0, { what: 'row deleted by rollup retention' });
  assert.ok((await a.call('GET', '/v1/rollups/status')).json.deletedByAge >= 1);
  assert.equal((await a.call('GET', `/v1/points?device=press-1&from=${T0}`)).json.points.length, 2);
});

test('rollups: with gateway.rollups.uplink on and raw points off, only closed rollup rows enter the outbox', async (t) => {
  const g = await startTestGateway(t, testDir(t), {
    uplink: { enabled: true, url: 'http://127.0.0.1:9', token: 'x'.repeat(16), points: { enabled: false } },
    rollups: { uplink: { enabled: true, class: 'high' } },
  }, { t: T0 + 2 * MIN });
  await g.post([pt(T0 + 1000, 1), pt(T0 + 2000, 2), pt(T0 + 3000, 3)]);
  const before = (await g.call('GET', '/v1/uplink/status')).json;
  assert.deepEqual([before.pending.normal.items, before.pending.high.items], [0, 0], 'raw points stay local');
  await g.post([pt(T0 + MIN + 1000, 4)]);
  const after = await waitFor(async () => { const s = (await g.call('GET', '/v1/uplink/status')).json; return s.pending.high.items > 0 ? s : undefined; }, { what: 'rollup row in the outbox' });
  assert.equal(after.pending.normal.items, 0);
});
