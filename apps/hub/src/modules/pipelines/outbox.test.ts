import { test } from 'node:test';
import assert from 'node:assert/strict';
import { waitFor } from '@outpost/testing';
import { assertError, hubFixture, T0, type Adapter } from '../../testkit/fixture.js';

const node = (id: string, kind: string, config: Record<string, unknown> = {}) => ({ id, kind, typeVersion: 1, config });
/** Every flow point to the outbox as bulk; points above 5 also as critical. */
const exporter = {
  schemaVersion: 1, id: 'export',
  nodes: [
    node('in', 'input', { metrics: ['flow'] }),
    node('all', 'outbox', { priority: 'bulk' }),
    node('hot', 'filter', { expression: 'value > 5' }),
    node('urgent', 'outbox', { priority: 'critical' }),
  ],
  edges: [{ from: 'in', to: 'all' }, { from: 'in', to: 'hot' }, { from: 'hot', to: 'urgent' }],
};
type Item = { seq: number; nodeId: string; priority: string; body: { value: number } };

for (const adapter of ['sqlite', 'postgres'] as Adapter[]) {
  test(`hub outbox nodes (${adapter}): items queue per organisation, are read critical first with a cursor, and go when acknowledged`, async (t) => {
    const f = await hubFixture(t, adapter);
    if (!f) return;
    const { token } = await f.setup();
    const saved = await f.call('POST', '/v1/pipelines', { token, body: { pipeline: exporter, activate: true } });
    assert.equal(saved.status, 201, saved.body);
    const reg = await f.call('POST', '/v1/registration-tokens', { token, body: {} });
    assert.equal((await f.call('POST', '/v1/register', { body: { token: reg.json.token, hardwareId: 'pump-7' } })).status, 201);
    const ingestKey = (await f.call('POST', '/v1/api-keys', { token, body: { name: 'ingest', scopes: ['ingest'] } })).json.secret as string;
    const readKey = (await f.call('POST', '/v1/api-keys', { token, body: { name: 'reader', scopes: ['read'] } })).json.secret as string;
    const r = await f.call('POST', '/v1/ingest', { apiKey: ingestKey, body: { device_external_id: 'pump-7', metrics: [3, 7, 9, 1].map((value, i) => ({ name: 'flow', ts: T0 - 10_000 + i, value })) } });
    assert.equal(r.status, 202, r.body);
    await waitFor(async () => (await f.call('GET', `/v1/ingest/batches/${r.json.batchId}`, { token })).json.status === 'stored', { what: 'batch stored' });
    await f.app.pipelines.idle();

    const page1 = await f.call('GET', '/v1/pipelines/outbox?limit=3', { apiKey: readKey });
    assert.equal(page1.status, 200, page1.body);
    assert.deepEqual(page1.json.items.map((i: Item) => [i.nodeId, i.priority, i.body.value]), [['urgent', 'critical', 7], ['urgent', 'critical', 9], ['all', 'bulk', 3]]);
    assert.equal(page1.json.queued.items, 6);
    assert.match(page1.json.next, /^3-\d+$/);
    const page2 = await f.call('GET', `/v1/pipelines/outbox?limit=3&after=${page1.json.next}`, { apiKey: readKey });
    assert.deepEqual([page2.json.items.map((i: Item) => i.body.value), page2.json.next], [[7, 9, 1], null]);
    const stats = (await f.call('GET', '/v1/pipelines', { token })).json.pipelines[0].running.nodes;
    assert.deepEqual([stats.all.outboxQueued, stats.urgent.outboxQueued, stats.all.outboxEvicted], [4, 2, 0]);

    assertError(await f.call('POST', '/v1/pipelines/outbox/ack', { apiKey: readKey, body: { seqs: [page1.json.items[0].seq] } }), 403, 'ERR_AUTH_FORBIDDEN');
    const other = await f.org('Globex');
    assert.deepEqual((await f.call('GET', '/v1/pipelines/outbox', { token: other.token })).json.items, [], 'another organisation sees none of it');
    assert.equal((await f.call('POST', '/v1/pipelines/outbox/ack', { token: other.token, body: { seqs: page1.json.items.map((i: Item) => i.seq) } })).json.acked, 0);
    const acked = await f.call('POST', '/v1/pipelines/outbox/ack', { token, body: { seqs: page1.json.items.map((i: Item) => i.seq) } });
    assert.deepEqual([acked.status, acked.json.acked], [200, 3]);
    const rest = await f.call('GET', '/v1/pipelines/outbox', { token });
    assert.deepEqual(rest.json.items.map((i: Item) => i.body.value), [7, 9, 1], 'unacknowledged items are read again');
    assert.deepEqual(rest.json.queued.items, 3);

    assertError(await f.call('GET', '/v1/pipelines/outbox?after=9-1', { token }), 400, 'ERR_HUB_INVALID');
    assertError(await f.call('POST', '/v1/pipelines/outbox/ack', { token, body: { seqs: [] } }), 400, 'ERR_HUB_INVALID');
    assert.equal((await f.call('GET', '/v1/pipelines/outbox', { token })).json.items.length, 3, 'bad requests changed nothing');
  });
}
