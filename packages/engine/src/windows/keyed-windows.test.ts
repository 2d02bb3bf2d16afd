import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Point } from '@outpost/contract';
import { AddOutcome, KeyedWindows, type WindowOptions } from './keyed-windows.js';

const opts = (o: Partial<WindowOptions> = {}): WindowOptions => ({ sizeMs: 60_000, hopMs: 60_000, latenessMs: 0, maxKeys: 100, maxFutureSkewMs: 1e12, percentiles: [], ...o });
const p = (ts: number, value: number, device = 'd'): Point => ({ device, metric: 'm', ts, value });

test('out-of-order points inside an open window are simply folded in', () => {
  const w = new KeyedWindows(opts());
  for (const ts of [30_000, 10_000, 50_000, 20_000]) assert.equal(w.add(p(ts, ts / 10_000), 0), AddOutcome.Ok);
  assert.deepEqual(w.drain(), []);
  const [row] = w.flushAll();
  assert.deepEqual([row!.count, row!.first, row!.last, row!.firstTs, row!.lastTs], [4, 1, 5, 10_000, 50_000]);
});

test('each key has its own watermark: a device with a lagging clock is not late', () => {
  const w = new KeyedWindows(opts());
  w.add(p(10 * 60_000, 1, 'fast'), 0);
  assert.equal(w.add(p(5_000, 1, 'slow'), 0), AddOutcome.Ok);
  assert.equal(w.add(p(5_000, 1, 'fast'), 0), AddOutcome.Late);
  assert.equal(w.counters.late, 1);
});

test('a host clock that jumps back does not reopen or re-close windows; forward jumps close quiet keys', () => {
  const w = new KeyedWindows(opts({ idleMs: 60_000 }));
  w.add(p(0, 1), 0);
  w.tick(200_000);
  assert.equal(w.drain().length, 1);
  w.tick(50_000); // clock went back: ignored
  assert.deepEqual(w.drain(), []);
  assert.equal(w.add(p(10_000, 2), 0), AddOutcome.Late, 'the closed window stays closed');
});

test('hopping windows: a point updates every window that holds it', () => {
  const w = new KeyedWindows(opts({ sizeMs: 30_000, hopMs: 10_000 }));
  w.add(p(25_000, 1), 0);
  const rows = w.flushAll().map((r) => r.start).sort((a, b) => a - b);
  assert.deepEqual(rows, [0, 10_000, 20_000]);
});

test('quiet keys are forgotten by tick, so the key cap counts live keys only', () => {
  const w = new KeyedWindows(opts({ maxKeys: 1, idleMs: 60_000 }));
  w.add(p(0, 1, 'a'), 0);
  assert.equal(w.add(p(0, 1, 'b'), 0), AddOutcome.KeyLimit);
  w.tick(10 * 60_000);
  w.drain();
  assert.equal(w.keys, 0);
  assert.equal(w.add(p(10 * 60_000, 1, 'b'), 0), AddOutcome.Ok);
});

test('bad window shapes are refused', () => {
  assert.throws(() => new KeyedWindows(opts({ sizeMs: 0 })), RangeError);
  assert.throws(() => new KeyedWindows(opts({ hopMs: 120_000 })), RangeError);
});

test('a device whose clock lags the host by far more than the idle time is not closed early or made late', () => {
  const w = new KeyedWindows(opts({ idleMs: 60_000 }));
  const lag = 3_600_000; // device clock an hour behind
  const late: number[] = [];
  for (let now = 0; now < 5 * 60_000; now += 1000) {
    if (w.add(p(now - lag, 1), now) !== AddOutcome.Ok) late.push(now);
    w.tick(now);
  }
  assert.deepEqual(late, []);
  const rows = w.drain();
  assert.deepEqual(rows.map((r) => [r.start, r.count]), [[-lag, 60], [-lag + 60_000, 60], [-lag + 120_000, 60], [-lag + 180_000, 60]]);
});

test('a host clock stepped back an hour does not reject the devices that keep the right time', () => {
  const w = new KeyedWindows(opts({ maxFutureSkewMs: 60_000 }));
  const real = 10 * 3_600_000;
  assert.equal(w.add(p(real, 1), real), AddOutcome.Ok);
  for (let i = 1; i <= 100; i++) assert.equal(w.add(p(real + i * 1000, 1), real - 3_600_000 + i * 1000), AddOutcome.Ok, `point ${i}`);
  assert.equal(w.add(p(real + 86_400_000, 1, 'broken'), real - 3_600_000), AddOutcome.Future, 'a device a day ahead is still rejected');
});
