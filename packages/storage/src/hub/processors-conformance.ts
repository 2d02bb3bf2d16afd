import type { TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { isOutpostError, type ErrorCode } from '@outpost/contract';
import type { HubStore } from './store.js';

const T0 = 1_700_000_000_000;
const alice = { orgId: 'org-a', id: 'user:alice' };
const rejectsWith = (p: Promise<unknown>, code: ErrorCode) => assert.rejects(p, (e: unknown) => { assert.ok(isOutpostError(e, code), String(e)); return true; });

/** The processor repository on one HubStore adapter (run on SQLite and PostgreSQL). */
export async function processorsConformance(t: TestContext, open: () => Promise<HubStore>): Promise<void> {
  const withStore = (name: string, fn: (s: HubStore) => Promise<void>) => t.test(name, async () => {
    const s = await open();
    try {
      await s.tenancy.createOrg(null, 'org-a', 'Acme', T0);
      await s.tenancy.createOrg(null, 'org-b', 'Globex', T0);
      await fn(s);
    } finally { await s.close(); }
  });

  await withStore('first version becomes active; activate pushes, rollback pops; enable/disable keeps versions; audited', async (s) => {
    const p = s.processors;
    assert.deepEqual(await p.ensure(alice, 'heat-index', '1.0.0', T0), { orgId: 'org-a', name: 'heat-index', enabled: true, active: '1.0.0', history: [], updatedAt: T0 });
    assert.equal((await p.ensure(alice, 'heat-index', '1.1.0', T0 + 1)).active, '1.0.0', 'a later upload does not re-point');
    await p.activate(alice, 'heat-index', '1.1.0', T0 + 2);
    const two = await p.activate(alice, 'heat-index', '2.0.0', T0 + 3);
    assert.deepEqual([two.active, two.history], ['2.0.0', ['1.0.0', '1.1.0']]);
    assert.equal((await p.activate(alice, 'heat-index', '2.0.0', T0 + 4)).history.length, 2, 'activating the active version changes nothing');
    assert.deepEqual([(await p.rollback(alice, 'heat-index', T0 + 5)).active, (await p.rollback(alice, 'heat-index', T0 + 6)).active], ['1.1.0', '1.0.0']);
    await rejectsWith(p.rollback(alice, 'heat-index', T0 + 7), 'ERR_PROCESSOR_ROLLBACK');
    const off = await p.setEnabled(alice, 'heat-index', false, T0 + 8);
    assert.deepEqual([off.enabled, off.active], [false, '1.0.0']);
    assert.equal((await p.get('org-a', 'heat-index'))?.enabled, false);
    assert.equal((await p.setEnabled(alice, 'heat-index', true, T0 + 9)).enabled, true);
    await rejectsWith(p.activate(alice, 'nope', '1.0.0', T0), 'ERR_PROCESSOR_NOT_FOUND');
    assert.equal(await p.get('org-b', 'heat-index'), undefined, 'another organisation does not see it');
    await rejectsWith(p.activate({ orgId: 'org-b', id: 'user:bob' }, 'heat-index', '1.1.0', T0), 'ERR_PROCESSOR_NOT_FOUND');
    assert.deepEqual((await p.list('org-a')).map((x) => x.name), ['heat-index']);
    const audit = await s.audit('org-a', { entity: 'processor' });
    assert.deepEqual(audit.map((a) => a.action).sort(), ['activate', 'activate', 'activate', 'disable', 'enable', 'rollback', 'rollback']);
  });

  await withStore('usage: latest snapshot per device, version and series; sums, weighted average, largest p95', async (s) => {
    const p = s.processors;
    const r = (o: object) => ({ name: 'heat-index', version: '1.0.0', since: T0, invocations: 10, errors: 1, avgMs: 2, p95Ms: 5, ...o });
    await p.report('org-a', 'gw1', [r({})], T0 + 1);
    await p.report('org-a', 'gw1', [r({ invocations: 20, errors: 2, avgMs: 3, p95Ms: 6 })], T0 + 2); // replaces gw1's snapshot
    await p.report('org-a', 'gw1', [r({ since: T0 + 100, invocations: 5, errors: 0, avgMs: 1, p95Ms: 1 })], T0 + 101); // restarted: new series
    await p.report('org-a', 'gw2', [r({ invocations: 15, errors: 0, avgMs: 4, p95Ms: 9 }), r({ version: '2.0.0', invocations: 1, errors: 1, avgMs: 7, p95Ms: 7 })], T0 + 3);
    await p.report('org-b', 'gw9', [r({ invocations: 1000 })], T0 + 3);
    const u = await p.usage('org-a', 'heat-index');
    assert.deepEqual(u['2.0.0'], { invocations: 1, errors: 1, avgMs: 7, p95Ms: 7, devices: 1 });
    assert.deepEqual({ ...u['1.0.0'], avgMs: Math.round((u['1.0.0']?.avgMs ?? 0) * 1000) / 1000 }, { invocations: 40, errors: 2, avgMs: Math.round(((20 * 3 + 5 * 1 + 15 * 4) / 40) * 1000) / 1000, p95Ms: 9, devices: 2 });
    assert.deepEqual(await p.usage('org-a', 'other'), {});
  });
}
