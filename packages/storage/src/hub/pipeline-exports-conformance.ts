import type { TestContext } from 'node:test';
import assert from 'node:assert/strict';
import type { HubStore } from './store.js';
import type { ExportInput, ExportLimits, ExportPriority } from './pipeline-exports.js';

const T0 = 1_700_000_000_000;
const DAY = 86_400_000;
const LIMITS: ExportLimits = { maxBytes: 1 << 20, ttlMs: { critical: 30 * DAY, high: 7 * DAY, normal: 7 * DAY, bulk: DAY } };
const item = (priority: ExportPriority, i: number, pipelineId = 'p'): ExportInput => ({ pipelineId, nodeId: 'out', priority, body: { i, pad: 'x'.repeat(80) } });

/** The pipeline outbox repository on one HubStore adapter (run on SQLite and PostgreSQL). */
export async function pipelineExportsConformance(t: TestContext, open: () => Promise<HubStore>): Promise<void> {
  const withStore = (name: string, fn: (s: HubStore) => Promise<void>) => t.test(name, async () => {
    const s = await open();
    try { await fn(s); } finally { await s.close(); }
  });

  await withStore('read: critical first then oldest, cursor pages on, ack deletes only the organisation\'s own items', async (s) => {
    const x = s.pipelineExports;
    await x.enqueue('org-a', [item('normal', 1), item('bulk', 2), item('critical', 3)], T0, LIMITS);
    await x.enqueue('org-a', [item('high', 4, 'q'), item('critical', 5)], T0 + 1, LIMITS);
    await x.enqueue('org-b', [item('critical', 99)], T0, LIMITS);
    const all = await x.read('org-a', { limit: 10, now: T0 + 2 });
    assert.deepEqual(all.map((r) => [r.priority, (r.body as { i: number }).i]), [['critical', 3], ['critical', 5], ['high', 4], ['normal', 1], ['bulk', 2]]);
    assert.equal(all[0]!.expiresAt, T0 + 30 * DAY);
    const page1 = await x.read('org-a', { limit: 2, now: T0 + 2 });
    const last = page1[1]!;
    const page2 = await x.read('org-a', { limit: 2, now: T0 + 2, after: { rank: 0, seq: last.seq } });
    assert.deepEqual(page2.map((r) => (r.body as { i: number }).i), [4, 1]);
    assert.deepEqual((await x.read('org-a', { limit: 10, now: T0 + 2, pipelineId: 'q' })).map((r) => (r.body as { i: number }).i), [4]);
    const orgB = await x.read('org-b', { limit: 10, now: T0 });
    assert.equal(await x.ack('org-a', [...page1.map((r) => r.seq), orgB[0]!.seq]), 2, 'another organisation\'s item is not acknowledged');
    assert.deepEqual((await x.read('org-a', { limit: 10, now: T0 + 2 })).map((r) => (r.body as { i: number }).i), [4, 1, 2]);
    assert.equal((await x.read('org-b', { limit: 10, now: T0 })).length, 1);
    assert.equal(await x.ack('org-a', page1.map((r) => r.seq)), 0, 'a second ack of the same items changes nothing');
    assert.equal((await x.usage('org-a')).items, 3);
  });

  await withStore('capacity: the oldest items of the least important class go first, critical items are kept; usage follows', async (s) => {
    const x = s.pipelineExports;
    const one = Buffer.byteLength(JSON.stringify(item('bulk', 10).body));
    const limits = { ...LIMITS, maxBytes: one * 4 };
    await x.enqueue('org-a', [item('critical', 10), item('normal', 11), item('bulk', 12), item('bulk', 13)], T0, limits);
    assert.deepEqual(await x.usage('org-a'), { items: 4, bytes: one * 4 });
    assert.deepEqual(await x.enqueue('org-a', [item('high', 14), item('high', 15)], T0 + 1, limits), { queued: 2, evicted: 2 });
    assert.deepEqual((await x.read('org-a', { limit: 10, now: T0 + 2 })).map((r) => (r.body as { i: number }).i), [10, 14, 15, 11]);
    assert.deepEqual(await x.enqueue('org-a', [item('critical', 16), item('critical', 17), item('critical', 18), item('critical', 19)], T0 + 2, limits), { queued: 4, evicted: 3 });
    assert.deepEqual((await x.read('org-a', { limit: 10, now: T0 + 3 })).map((r) => r.priority), ['critical', 'critical', 'critical', 'critical', 'critical'], 'past capacity only critical items stay');
    assert.deepEqual(await x.usage('org-a'), { items: 5, bytes: one * 5 });
    assert.deepEqual(await x.usage('org-b'), { items: 0, bytes: 0 });
  });

  await withStore('time to live per class: expired items are not read and are deleted in bounded steps', async (s) => {
    const x = s.pipelineExports;
    await x.enqueue('org-a', [item('bulk', 1), item('bulk', 2), item('bulk', 3), item('normal', 4)], T0, LIMITS);
    await x.enqueue('org-b', [item('bulk', 5)], T0, LIMITS);
    assert.deepEqual((await x.read('org-a', { limit: 10, now: T0 + DAY })).map((r) => (r.body as { i: number }).i), [4]);
    assert.equal(await x.expire(T0 + DAY, 2), 2);
    assert.equal(await x.expire(T0 + DAY, 10), 2);
    assert.equal(await x.expire(T0 + DAY, 10), 0);
    assert.deepEqual([(await x.usage('org-a')).items, (await x.usage('org-b')).items], [1, 0]);
  });
}
