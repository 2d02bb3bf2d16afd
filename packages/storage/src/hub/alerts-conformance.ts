import type { TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { isOutpostError, type ErrorCode } from '@outpost/contract';
import type { HubStore } from './store.js';
import { edgeAlertId, type AlertSnapshot } from './alerts.js';

const T0 = 1_700_000_000_000;
const INJECTION = `x'; DROP TABLE alerts; --`;
const rejectsWith = (p: Promise<unknown>, code: ErrorCode) => assert.rejects(p, (e: unknown) => { assert.ok(isOutpostError(e, code), String(e)); return true; });

const snap = (o: Partial<AlertSnapshot> = {}): AlertSnapshot => ({
  rule: 'hot', key: 'pump-1', device: 'pump-1', severity: 'critical', state: 'raised', message: 'temp 95 > 90', value: 95,
  points: [{ device: 'pump-1', metric: 'temp', ts: T0, value: 95 }], raisedAt: T0, ackedAt: null, ackedBy: null, clearedAt: null, clearMessage: null, ...o,
});

/** The alert repository on one HubStore adapter (run on SQLite and PostgreSQL). */
export async function alertsConformance(t: TestContext, open: () => Promise<HubStore>): Promise<void> {
  const withStore = (name: string, fn: (s: HubStore) => Promise<void>) => t.test(name, async () => {
    const s = await open();
    try {
      await s.tenancy.createOrg(null, 'org-a', 'Acme', T0);
      await s.tenancy.createOrg(null, 'org-b', 'Globex', T0);
      await fn(s);
    } finally { await s.close(); }
  });

  await withStore('edge alerts arrive with the uplink batch, in its transaction; snapshots never move an alert backwards', async (s) => {
    const batch = { orgId: 'org-a', gateway: 'gw1', stream: 's', seq: 1, sha256: 'aa', receivedAt: T0 + 5, points: [], items: [] };
    assert.equal(await s.uplink.commit({ ...batch, alerts: [{ id: 7, ...snap() }, { id: 7, ...snap({ state: 'acknowledged', ackedAt: T0 + 1, ackedBy: 'op' }) }] }), 'stored');
    const id = edgeAlertId('gw1', 7);
    const a = await s.alerts.get('org-a', id);
    assert.deepEqual([a?.source, a?.gateway, a?.state, a?.ackedBy, a?.points.length], ['edge', 'gw1', 'acknowledged', 'op', 1]);
    assert.equal(await s.alerts.get('org-b', id), undefined, 'another organisation does not see it');
    // A re-sent batch is a duplicate and changes nothing; a stale raised snapshot cannot undo the acknowledgement.
    assert.equal(await s.uplink.commit({ ...batch, alerts: [{ id: 7, ...snap() }] }), 'duplicate');
    await s.uplink.commit({ ...batch, seq: 2, sha256: 'bb', alerts: [{ id: 7, ...snap() }] });
    assert.equal((await s.alerts.get('org-a', id))?.state, 'acknowledged');
    await s.uplink.commit({ ...batch, seq: 3, sha256: 'cc', alerts: [{ id: 7, ...snap({ state: 'cleared', clearedAt: T0 + 9, clearMessage: 'temp 70' }) }] });
    assert.deepEqual([(await s.alerts.get('org-a', id))?.state, (await s.alerts.get('org-a', id))?.clearMessage], ['cleared', 'temp 70']);
    // A conflicting batch (same key, other checksum) rolls back its alerts with its points.
    assert.equal(await s.uplink.commit({ ...batch, seq: 3, sha256: 'dd', alerts: [{ id: 8, ...snap({ key: 'pump-2' }) }] }), 'conflict');
    assert.equal(await s.alerts.get('org-a', edgeAlertId('gw1', 8)), undefined);
  });

  await withStore('history filters (state, source, device, rule, severity, time), manual acknowledge and clear with audit, org-scoped', async (s) => {
    await s.alerts.saveCloud('org-a', 'cloud-1', snap(), T0);
    await s.alerts.saveCloud('org-a', 'cloud-2', snap({ rule: 'cold', key: 'pump-2', device: 'pump-2', severity: 'warning', raisedAt: T0 + 100 }), T0 + 100);
    await s.alerts.saveCloud('org-a', 'cloud-3', snap({ rule: 'cold', key: 'pump-3', device: 'pump-3', state: 'cleared', clearedAt: T0 + 300, raisedAt: T0 + 200 }), T0 + 300);
    await s.alerts.saveCloud('org-b', 'cloud-b', snap(), T0);
    const ids = async (q: Parameters<HubStore['alerts']['list']>[1]) => (await s.alerts.list('org-a', q)).map((a) => a.id);
    assert.deepEqual(await ids({}), ['cloud-3', 'cloud-2', 'cloud-1'], 'newest first');
    assert.deepEqual(await ids({ state: 'open' }), ['cloud-2', 'cloud-1']);
    assert.deepEqual(await ids({ state: 'cleared' }), ['cloud-3']);
    assert.deepEqual(await ids({ rule: 'cold', severity: 'critical' }), ['cloud-3']);
    assert.deepEqual(await ids({ device: 'pump-2' }), ['cloud-2']);
    assert.deepEqual(await ids({ from: T0 + 100, to: T0 + 200 }), ['cloud-2']);
    assert.deepEqual(await ids({ source: 'edge' }), []);
    assert.deepEqual(await ids({ limit: 1 }), ['cloud-3']);
    assert.deepEqual(await ids({ rule: INJECTION, device: INJECTION }), [], 'filter strings are values, never SQL');
    const actor = { orgId: 'org-a', id: 'user:ua' };
    const acked = await s.alerts.transition(actor, 'cloud-1', 'acknowledged', 'user:ua', T0 + 10);
    assert.deepEqual([acked.state, acked.ackedBy, acked.ackedAt], ['acknowledged', 'user:ua', T0 + 10]);
    await rejectsWith(s.alerts.transition(actor, 'cloud-1', 'acknowledged', 'user:ua', T0 + 11), 'ERR_HUB_ALERT_STATE');
    await s.alerts.transition(actor, 'cloud-1', 'cleared', 'fixed the pump', T0 + 12);
    await rejectsWith(s.alerts.transition(actor, 'cloud-1', 'cleared', 'again', T0 + 13), 'ERR_HUB_ALERT_STATE');
    await rejectsWith(s.alerts.transition({ orgId: 'org-b', id: 'user:ub' }, 'cloud-2', 'cleared', 'x', T0), 'ERR_HUB_NOT_FOUND');
    assert.equal((await s.alerts.get('org-a', 'cloud-2'))?.state, 'raised', 'another organisation changed nothing');
    assert.deepEqual((await s.audit('org-a', { entity: 'alert' })).map((e) => e.action), ['clear', 'acknowledge']);
  });

  await withStore('cloud rule sets are versioned per organisation; delivery log filters', async (s) => {
    assert.equal(await s.alerts.rules('org-a'), undefined);
    const actor = { orgId: 'org-a', id: 'user:ua' };
    assert.equal((await s.alerts.putRules(actor, [{ id: 'r1' }], T0)).version, 1);
    assert.equal((await s.alerts.putRules(actor, [{ id: 'r1' }, { id: 'r2' }], T0 + 1)).version, 2);
    assert.deepEqual((await s.alerts.rules('org-a'))?.rules, [{ id: 'r1' }, { id: 'r2' }]);
    assert.equal(await s.alerts.rules('org-b'), undefined);
    await s.alerts.recordDeliveries('org-a', [
      { alertId: 'cloud-1', rule: 'hot', action: 'webhook', target: 'http://x', attempt: 1, outcome: 'retry', status: 500, detail: 'the receiver answered 500', at: T0 },
      { alertId: 'cloud-1', rule: 'hot', action: 'webhook', target: 'http://x', attempt: 2, outcome: 'ok', status: 200, detail: null, at: T0 + 1 },
    ]);
    assert.deepEqual((await s.alerts.deliveries('org-a', { alertId: 'cloud-1' })).map((d) => [d.attempt, d.outcome, d.status]), [[2, 'ok', 200], [1, 'retry', 500]]);
    assert.deepEqual((await s.alerts.deliveries('org-a', { outcome: 'retry' })).map((d) => d.detail), ['the receiver answered 500']);
    assert.deepEqual(await s.alerts.deliveries('org-b'), []);
  });
}
