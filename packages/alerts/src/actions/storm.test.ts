import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { waitFor } from '@outpost/testing';
import { AlertEngine } from '../engine.js';
import { openDb, pt } from '../test/support.js';

test('action storm: a rule flapping 10k times a second runs a bounded number of actions', async () => {
  let hits = 0;
  const server = createServer((req, res) => { hits++; req.resume(); res.end(); });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  const { db, close } = openDb();
  let now = 0;
  const engine = new AlertEngine({
    db, now: () => now,
    rules: [{ id: 'flap', kind: 'threshold', metric: 'v', op: '>', raise: 1, actionsPerMinute: 30, dedupeSeconds: 5, actions: [{ type: 'webhook', url, secret: 'storm-secret-0123456789' }, { type: 'log' }] }],
  });
  try {
    const t0 = performance.now();
    // one second of a signal flapping at 10 kHz, in 10 batches of 1,000 points (100 devices)
    for (let b = 0; b < 10; b++) {
      now = b * 100;
      engine.process(Array.from({ length: 1000 }, (_, i) => pt(`d${i % 100}`, 'v', (b * 1000 + i) % 200 < 100 ? 2 : 0, b * 1000 + i)));
    }
    const ms = performance.now() - t0;
    const s = engine.stats();
    assert.ok(s.changes >= 1000, `the flapping was evaluated (${s.changes} lifecycle changes)`);
    await waitFor(() => engine.idle(), { what: 'actions to drain' });
    // the burst allowance is 30 actions, each running both action types
    assert.ok(hits <= 30, `webhook calls bounded: ${hits}`);
    assert.ok((db.prepare('SELECT COUNT(*) FROM alarm_log').pluck().get() as number) <= 30);
    assert.equal(s.suppressed.rate + s.suppressed.duplicate + 30, s.changes);
    assert.ok(ms < 5000, `evaluation kept up: ${ms.toFixed(0)} ms for 10k points`);
  } finally {
    engine.stop();
    close();
    await new Promise<void>((r) => { server.closeAllConnections(); server.close(() => r()); });
  }
});
