import { test } from 'node:test';
import assert from 'node:assert/strict';
import { AlertStore } from './alert-store.js';
import { openDb, pt } from '../test/support.js';

const input = (key: string, value: number) => ({ rule: 'hot', key, device: key, severity: 'critical' as const, message: `${key} hot`, value, points: [pt(key, 'temp', value, 1000)] });

/** The same changes through a deferred store (one batch) and an immediate one (a write each) must leave the same rows. */
function rowsAfter(deferred: boolean, changes: (s: AlertStore) => void) {
  const { db, close } = openDb();
  try {
    const s = new AlertStore(db, undefined, deferred);
    changes(s);
    s.flush();
    return db.prepare('SELECT * FROM alerts ORDER BY id').all();
  } finally {
    close();
  }
}

test('an alert raised and cleared (or acknowledged) within one deferred batch is written once, in its final state', () => {
  const scenario = (s: AlertStore) => {
    s.raise(input('a', 91), 1000);
    s.clearKey('hot', 'a', 'back to normal', 1010);
    const b = s.raise(input('b', 95), 1020)!;
    s.acknowledge(b.alert.id, 'operator', 1030);
    s.raise(input('a', 92), 1040); // the same key again, after its clear: the open index allows one open alert per key
    s.raise(input('c', 97), 1050);
    s.clear(b.alert.id, 'fixed', 1060);
  };
  const { db, close } = openDb();
  try {
    const s = new AlertStore(db, undefined, true);
    scenario(s);
    assert.equal(s.pendingWrites, 7, 'nothing written before the flush');
    db.exec('CREATE TEMP TABLE updates (id INTEGER); CREATE TEMP TRIGGER count_updates AFTER UPDATE ON main.alerts BEGIN INSERT INTO updates VALUES (new.id); END');
    const updates = () => db.prepare('SELECT id FROM updates').pluck().all();
    s.flush();
    const rows = db.prepare('SELECT id, alert_key, state, raised_at, acked_at, acked_by, cleared_at, clear_message FROM alerts ORDER BY id').all();
    assert.deepEqual(rows, [
      { id: 1, alert_key: 'a', state: 'cleared', raised_at: 1000, acked_at: null, acked_by: null, cleared_at: 1010, clear_message: 'back to normal' },
      { id: 2, alert_key: 'b', state: 'cleared', raised_at: 1020, acked_at: 1030, acked_by: 'operator', cleared_at: 1060, clear_message: 'fixed' },
      { id: 3, alert_key: 'a', state: 'raised', raised_at: 1040, acked_at: null, acked_by: null, cleared_at: null, clear_message: null },
      { id: 4, alert_key: 'c', state: 'raised', raised_at: 1050, acked_at: null, acked_by: null, cleared_at: null, clear_message: null },
    ]);
    assert.deepEqual(updates(), [], 'no row was inserted and then updated');
    // A change to an alert written by an earlier batch is still an update.
    s.clearKey('hot', 'c', 'cooled', 2000);
    assert.deepEqual(s.query({ state: 'open' }).map((r) => r.key), ['a']);
    assert.equal(s.get(4)!.clearedAt, 2000);
    assert.deepEqual(updates(), [4]);
  } finally {
    close();
  }
  assert.deepEqual(rowsAfter(true, scenario), rowsAfter(false, scenario), 'one batch and a write per change leave the same rows');
});
