import { test } from 'node:test';
import assert from 'node:assert/strict';
import { GatewayStore } from '@outpost/storage';
import { tempDir } from '@outpost/testing';
import { heartbeatBuffer } from './heartbeat.js';
import { createUplink } from './uplink.js';

test('the heartbeat buffer summary totals the outbox across classes', (t) => {
  const { dir, cleanup } = tempDir();
  const store = GatewayStore.open({ path: `${dir}/gw.db` });
  t.after(() => { store.close(); cleanup(); });
  let now = 1_000_000;
  const up = createUplink({ store, gateway: 'gw', url: 'http://127.0.0.1:9', now: () => now });
  store.commit([{ device: 'd', metric: 'm', ts: 1, value: 1 }, { device: 'd', metric: 'm', ts: 2, value: 2 }]);
  now += 500;
  up.enqueue('critical', 'alert', { rule: 'hot' });
  now += 250;
  const b = heartbeatBuffer(up.status());
  assert.equal(b.pendingBatches, 0);
  assert.equal(b.pendingPoints, 2);
  assert.equal(b.oldestPendingMs, 750);
  assert.equal(b.pendingBytes, up.status().capacity.usedBytes);
  assert.equal(b.link, 'unknown');
});
