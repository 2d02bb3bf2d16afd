import { test } from 'node:test';
import assert from 'node:assert/strict';
import { AlertEngine } from './engine.js';
import type { AlertChange } from './lifecycle/alert-store.js';
import { openDb, pt } from './test/support.js';

const rule = { id: 'hot', kind: 'threshold', metric: 'temp', op: '>', raise: 90, clear: 80, severity: 'critical', actions: [{ type: 'log', on: ['raised', 'acknowledged', 'cleared'] }] };

test('lifecycle raised → acknowledged → cleared is stored with severity, points and timestamps', async () => {
  const { db, close } = openDb();
  let now = 1000;
  const seen: AlertChange[] = [];
  const engine = new AlertEngine({ db, rules: [rule], now: () => now, onChanges: (c) => seen.push(...c) });
  try {
    assert.deepEqual(engine.process([pt('p1', 'temp', 95, 900), pt('p1', 'temp', 96, 950)]).map((c) => c.change), ['raised']);
    const [a] = engine.query({ state: 'open' });
    assert.equal(a!.severity, 'critical');
    assert.equal(a!.raisedAt, 1000);
    assert.deepEqual(a!.points.map((p) => p.value), [95]);
    now = 2000;
    engine.acknowledge(a!.id, 'operator-1');
    assert.throws(() => engine.acknowledge(a!.id, 'x'), /already acknowledged/);
    now = 3000;
    assert.deepEqual(engine.process([pt('p1', 'temp', 70, 2900)]).map((c) => c.change), ['cleared']);
    const done = engine.store.get(a!.id)!;
    assert.deepEqual([done.state, done.ackedAt, done.ackedBy, done.clearedAt], ['cleared', 2000, 'operator-1', 3000]);
    assert.throws(() => engine.clear(a!.id, 'again'), (e: Error & { code?: string }) => e.code === 'ERR_QUERY_INVALID' && /already cleared/.test(e.message));
    assert.throws(() => engine.acknowledge(999, 'x'), /alert 999 does not exist/);
    assert.deepEqual(seen.map((c) => c.change), ['raised', 'acknowledged', 'cleared']);
    await waitIdle(engine);
    const log = db.prepare('SELECT change FROM alarm_log ORDER BY id').pluck().all();
    assert.deepEqual(log, ['raised', 'acknowledged', 'cleared']);
  } finally {
    engine.stop();
    close();
  }
});

test('open alerts survive a restart: a raise for an open alert is not repeated', () => {
  const { db, close } = openDb();
  try {
    const e1 = new AlertEngine({ db, rules: [rule] });
    assert.equal(e1.process([pt('p1', 'temp', 95, 1)]).length, 1);
    e1.stop();
    const e2 = new AlertEngine({ db, rules: [rule] });
    // a fresh evaluator sees a raise again, but the alert is already open in SQLite
    assert.equal(e2.process([pt('p1', 'temp', 95, 2)]).length, 0);
    assert.equal(e2.query().length, 1);
    e2.stop();
    // A restart whose first point is already back within bounds still clears the open alert.
    const e3 = new AlertEngine({ db, rules: [rule] });
    assert.deepEqual(e3.process([pt('p1', 'temp', 70, 3)]).map((c) => c.change), ['cleared']);
    e3.stop();
  } finally {
    close();
  }
});

test('cloud-only rules are not evaluated on the gateway; duplicate ids and unlisted commands are config errors', () => {
  const { db, close } = openDb();
  try {
    const e = new AlertEngine({ db, rules: [{ ...rule, id: 'c', location: 'cloud' }, { ...rule, id: 'b', location: 'both' }, { ...rule, id: 'off', enabled: false }] });
    assert.deepEqual(e.process([pt('p1', 'temp', 95, 1)]).map((c) => c.alert.rule), ['b']);
    assert.deepEqual(e.cloudRules, ['c']);
    e.stop();
    assert.throws(() => new AlertEngine({ db, rules: [rule, rule] }), /gateway\.alerts\.rules\[1\]\.id: duplicate rule id "hot"/);
    assert.throws(() => new AlertEngine({ db, rules: [{ ...rule, actions: [{ type: 'command', command: '/bin/rm', args: ['-rf', '/'] }] }], allowedCommands: ['/bin/echo'] }),
      /rules\[0\]\.actions\[0\]\.command: "\/bin\/rm" is not in gateway\.alerts\.allowedCommands/);
  } finally {
    close();
  }
});

test('missing-data and for-duration rules fire from tick()', () => {
  const { db, close } = openDb();
  let now = 0;
  const e = new AlertEngine({ db, now: () => now, rules: [{ id: 'gone', kind: 'missing', metric: 'temp', afterSeconds: 5, devices: ['p9'] }] });
  try {
    now = 4000;
    assert.equal(e.tick().length, 0);
    now = 6000;
    assert.deepEqual(e.tick().map((c) => [c.change, c.alert.device]), [['raised', 'p9']]);
    assert.deepEqual(e.process([pt('p9', 'temp', 1, 6000)]).map((c) => c.change), ['cleared']);
  } finally {
    e.stop();
    close();
  }
});

async function waitIdle(e: AlertEngine) {
  const { waitFor } = await import('@outpost/testing');
  await waitFor(() => e.idle(), { what: 'actions to drain' });
}

test('eachPoint rule: one stored alert and one MQTT action per point past the level, its payload built from the point and its attributes', async () => {
  const { db, close } = openDb();
  const sent: string[] = [];
  const engine = new AlertEngine({
    db, now: () => 1000, mqttPublish: async (topic, payload) => { sent.push(`${topic} ${payload}`); },
    rules: [{ id: 'each', kind: 'threshold', metric: 'temp', op: '>', raise: 80, eachPoint: true, dedupeSeconds: 0, actionsPerMinute: 1e6,
      actions: [{ type: 'mqtt', topic: 'alerts/{device}', payload: '{"device":"{device}","metric":"{point.metric}","ts":{point.ts},"value":{point.value},"seq":{attr.seq},"typo":"{attr.nope}"}' }] }],
  });
  try {
    const changes = engine.process([{ ...pt('p1', 'temp', 88, 900), attrs: { seq: 19 } }, pt('p1', 'temp', 70, 901), { ...pt('p1', 'temp', 90, 902), attrs: { seq: 21 } }]);
    assert.deepEqual(changes.map((c) => c.change), ['raised', 'cleared', 'raised', 'cleared']);
    assert.equal(engine.query({ state: 'open' }).length, 0, 'nothing stays open');
    assert.equal(engine.query({}).length, 2);
    await waitIdle(engine);
    assert.deepEqual(sent, [
      'alerts/p1 {"device":"p1","metric":"temp","ts":900,"value":88,"seq":19,"typo":"{attr.nope}"}',
      'alerts/p1 {"device":"p1","metric":"temp","ts":902,"value":90,"seq":21,"typo":"{attr.nope}"}',
    ]);
  } finally {
    engine.stop();
    close();
  }
});

test('recordDelayMs: actions run at once, the records of many evaluated batches follow in one write with the ids the actions saw', async () => {
  const { db, close } = openDb();
  const sent: string[] = [];
  const handed: AlertChange[][] = [];
  const rows = () => db.prepare('SELECT id, state FROM alerts ORDER BY id').all() as { id: number; state: string }[];
  // An alert row deleted by hand: AUTOINCREMENT never gives its id out again, nor does the engine.
  db.prepare("INSERT INTO alerts (rule, alert_key, device, severity, state, message, points, raised_at) VALUES ('old', 'k', 'd', 'info', 'cleared', 'm', '[]', 1)").run();
  db.prepare('DELETE FROM alerts').run();
  const engine = new AlertEngine({
    db, recordDelayMs: 60_000, now: () => 1000, onChanges: (c) => handed.push([...c]),
    mqttPublish: async (topic, payload) => { sent.push(`${topic} ${payload}`); },
    rules: [{ ...rule, actions: [{ type: 'mqtt', topic: 'relay/{device}', payload: '{id}', on: ['raised', 'cleared'] }] }],
  });
  try {
    const [raised] = engine.process([pt('p1', 'temp', 95, 900)]);
    const [cleared] = engine.process([pt('p1', 'temp', 70, 901)]);
    assert.equal(raised!.alert.id, 2, 'the id after the deleted row');
    assert.equal(cleared!.alert.id, 2);
    await waitIdle(engine);
    assert.deepEqual(sent, ['relay/p1 2', 'relay/p1 2'], 'the actions did not wait for the records');
    assert.deepEqual(rows(), [], 'nothing written yet');
    assert.equal(handed.length, 0, 'nor handed to the uplink');
    engine.process([pt('p2', 'temp', 99, 902)]);
    // A read writes what is pending first, so the history never lags; the hand-over is one batch.
    assert.deepEqual(engine.query({}).map((a) => [a.id, a.state]), [[3, 'raised'], [2, 'cleared']]);
    assert.deepEqual(rows(), [{ id: 2, state: 'cleared' }, { id: 3, state: 'raised' }]);
    assert.deepEqual(handed.map((b) => b.map((c) => `${c.change}:${c.alert.id}`)), [['raised:2', 'cleared:2', 'raised:3']]);
    // Acknowledging an alert whose record is still pending writes both, in order, at once.
    engine.process([pt('p3', 'temp', 99, 903)]);
    engine.acknowledge(4, 'op');
    assert.deepEqual(rows().at(-1), { id: 4, state: 'acknowledged' });
    assert.deepEqual(handed.at(-1)!.map((c) => `${c.change}:${c.alert.id}`), ['raised:4', 'acknowledged:4']);
  } finally {
    engine.stop();
    close();
  }
});

test('recordDelayMs: the timer writes pending records, and stop() writes what is left', async () => {
  const { db, close } = openDb();
  const count = () => db.prepare('SELECT COUNT(*) FROM alerts').pluck().get() as number;
  const e1 = new AlertEngine({ db, recordDelayMs: 20, rules: [rule] });
  const { waitFor } = await import('@outpost/testing');
  try {
    e1.process([pt('p1', 'temp', 95, 1)]);
    assert.equal(count(), 0);
    await waitFor(() => count() === 1, { what: 'the record timer' });
    e1.process([pt('p2', 'temp', 95, 2)]);
    e1.stop();
    assert.equal(count(), 2);
    // and a restart sees both open
    const e2 = new AlertEngine({ db, rules: [rule] });
    assert.equal(e2.process([pt('p1', 'temp', 96, 3), pt('p2', 'temp', 96, 3)]).length, 0);
    e2.stop();
  } finally {
    close();
  }
});
