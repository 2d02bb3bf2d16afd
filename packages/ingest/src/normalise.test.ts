import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Point, Reject } from '@outpost/contract';
import { DEFAULT_NORMALISE, Normaliser, isReject, parseTs } from './normalise.js';
import { converter } from './units.js';

const now = 1_700_000_000_000;
const n = (opts = {}) => new Normaliser({ ...DEFAULT_NORMALISE, ...opts });
const ok = (r: Point | Reject): Point => { assert.ok(!isReject(r), `unexpected reject: ${(r as Reject).message}`); return r as Point; };
const bad = (r: Point | Reject, reason: string, msg?: RegExp): Reject => {
  assert.ok(isReject(r), `expected reject ${reason}, got a point`);
  assert.equal(r.reason, reason, r.message);
  if (msg) assert.match(r.message, msg);
  return r;
};

test('a valid point passes through; device may come from the topic defaults', () => {
  const p = ok(n().normalise({ metric: 'temperature', value: 71.3, ts: now - 10 }, 0, now, { device: 'inv-1', tags: { site: 'a' } }));
  assert.deepEqual(p, { device: 'inv-1', metric: 'temperature', ts: now - 10, value: 71.3, tags: { site: 'a' } });
});

test('wrong types, missing fields, NaN/Infinity and numbers as strings are rejected with the field named', () => {
  const x = n();
  bad(x.normalise({ metric: 'm', value: 1 }, 0, now), 'missing_field', /"device" is missing/);
  bad(x.normalise({ device: 'd', value: 1 }, 3, now), 'missing_field', /point 3: "metric"/);
  bad(x.normalise({ device: 'd', metric: 'm' }, 0, now), 'missing_field', /"value" is missing/);
  bad(x.normalise({ device: 42, metric: 'm', value: 1 }, 0, now), 'wrong_type', /"device".*number 42/);
  bad(x.normalise({ device: 'd', metric: 'bad metric!', value: 1 }, 0, now), 'wrong_type', /"metric"/);
  bad(x.normalise({ device: 'd', metric: 'm', value: { a: 1 } }, 0, now), 'wrong_type', /number, boolean or string, got an object/);
  bad(x.normalise({ device: 'd', metric: 'm', value: '12.5' }, 0, now), 'wrong_type', /number written as a string/);
  bad(x.normalise({ device: 'd', metric: 'm', value: 'NaN' }, 0, now), 'not_finite');
  bad(x.normalise({ device: 'd', metric: 'm', value: Infinity }, 0, now), 'not_finite');
  bad(x.normalise({ device: 'd', metric: 'm', value: null }, 0, now), 'wrong_type', /gap must carry quality "bad"/);
  bad(x.normalise({ device: 'd', metric: 'm', value: 1, quality: 'great' }, 0, now), 'wrong_type', /quality/);
  bad(x.normalise({ device: 'd', metric: 'm', value: 1, tags: { a: 1 } }, 0, now), 'wrong_type', /tags/);
  bad(x.normalise([1, 2] as never, 0, now), 'bad_shape');
  // A plain state string is a legitimate value.
  assert.equal(ok(x.normalise({ device: 'd', metric: 'state', value: 'RUNNING' }, 0, now)).value, 'RUNNING');
});

test('timestamps: seconds, ms, µs, ns and ISO strings normalise to epoch ms; garbage is rejected', () => {
  assert.equal(parseTs(1_700_000_000, now), 1_700_000_000_000);
  assert.equal(parseTs(1_700_000_000_123, now), 1_700_000_000_123);
  assert.equal(parseTs(1_700_000_000_123_456, now), 1_700_000_000_123);
  assert.equal(parseTs(1_700_000_000_123_456_789, now), 1_700_000_000_123);
  assert.equal(parseTs('2023-11-14T22:13:20.000Z', now), 1_700_000_000_000);
  assert.equal(parseTs(undefined, now), now);
  assert.match(String(parseTs('yesterday', now)), /ISO-8601/);
  assert.match(String(parseTs(true, now)), /epoch/);
  const x = n();
  bad(x.normalise({ device: 'd', metric: 'm', value: 1, ts: now + 3_600_000 }, 0, now), 'future_timestamp', /ahead of gateway time/);
  bad(x.normalise({ device: 'd', metric: 'm', value: 1, ts: now - 30 * 86_400_000 }, 0, now), 'past_timestamp');
});

test('per-metric range checks and unit conversion (kW→MW, °F→°C) with clear errors for unknown units', () => {
  const x = n({ metrics: { active_power: { unit: 'kW', convertTo: 'MW', min: 0, max: 10 }, temperature: { convertTo: 'degC', min: -40, max: 150 } } });
  const p = ok(x.normalise({ device: 'd', metric: 'active_power', value: 4200, ts: now }, 0, now));
  assert.equal(p.unit, 'MW');
  assert.ok(Math.abs((p.value as number) - 4.2) < 1e-12);
  const t = ok(x.normalise({ device: 'd', metric: 'temperature', value: 212, unit: 'degF', ts: now }, 0, now));
  assert.ok(Math.abs((t.value as number) - 100) < 1e-9);
  bad(x.normalise({ device: 'd', metric: 'active_power', value: 20_000, ts: now }, 0, now), 'out_of_range', /outside the configured range \[0, 10\] MW/);
  bad(x.normalise({ device: 'd', metric: 'temperature', value: 1, unit: 'furlongs', ts: now }, 0, now), 'unknown_unit', /unknown unit "furlongs"/);
  bad(x.normalise({ device: 'd', metric: 'temperature', value: 1, unit: 'kW', ts: now }, 0, now), 'unknown_unit', /cannot convert kW \(power\) to degC/);
  assert.throws(() => n({ metrics: { x: { convertTo: 'parsecs' } } }), /gateway.ingest.metrics.x: unknown unit/);
  assert.equal(typeof converter('psi', 'bar'), 'function');
});

test('bad quality is kept flagged or dropped, as configured', () => {
  assert.equal(ok(n().normalise({ device: 'd', metric: 'm', value: 1, quality: 'bad' }, 0, now)).quality, 'bad');
  bad(n({ badQuality: 'drop' }).normalise({ device: 'd', metric: 'm', value: 1, quality: 'bad' }, 0, now), 'bad_quality');
});

test('a device clock off by a steady amount is detected and corrected; a backlog replay is not', () => {
  const x = n();
  let last: Point | undefined;
  for (let i = 0; i < 30; i++) {
    const recv = now + i * 1000;
    last = ok(x.normalise({ device: 'skewed', metric: 'm', value: i, ts: recv - 60_000 }, 0, recv));
  }
  assert.ok(Math.abs(last!.ts - (now + 29_000)) < 50, `corrected ts ${last!.ts - now}`);
  assert.ok(Math.abs((x.skewCorrections().skewed ?? 0) - 60_000) < 50);
  // A device replaying an hour of buffered data in a burst keeps its own timestamps.
  for (let i = 0; i < 30; i++) {
    const p = ok(x.normalise({ device: 'replay', metric: 'm', value: i, ts: now - 3_600_000 + i * 120_000 }, 0, now));
    assert.equal(p.ts, now - 3_600_000 + i * 120_000);
  }
  assert.equal(x.skewCorrections().replay, undefined);
});

test('a burst of historical points received at one instant is never shifted, however tight its spread', () => {
  const x = n();
  for (let i = 0; i < 100; i++) {
    const p = ok(x.normalise({ device: 'burst', metric: 'm', value: i, ts: now - 600_000 + i }, i, now));
    assert.equal(p.ts, now - 600_000 + i);
  }
});

test('attributes: named payload fields ride on the point as attrs; others are dropped; none without the option', () => {
  const x = n({ attributes: ['seq', 'batch'] });
  const p = ok(x.normalise({ device: 'd', metric: 'm', value: 1, ts: now, seq: 42, batch: 'b-7', other: 'x' } as never, 0, now));
  assert.deepEqual(p.attrs, { seq: 42, batch: 'b-7' });
  assert.equal((p as unknown as Record<string, unknown>).other, undefined);
  assert.equal(ok(x.normalise({ device: 'd', metric: 'm', value: 1, ts: now + 1 }, 0, now)).attrs, undefined, 'absent attributes add nothing');
  assert.equal(ok(n().normalise({ device: 'd', metric: 'm', value: 1, ts: now, seq: 42 } as never, 0, now)).attrs, undefined);
});

test('attributes: an object, a non-finite number or a long string is rejected naming the attribute', () => {
  const x = n({ attributes: ['seq'] });
  bad(x.normalise({ device: 'd', metric: 'm', value: 1, seq: { a: 1 } } as never, 2, now), 'wrong_type', /point 2 \(d\/m\): attribute "seq" \(gateway.ingest.attributes\) must be .* got an object/);
  bad(x.normalise({ device: 'd', metric: 'm', value: 1, seq: 'x'.repeat(300) } as never, 0, now), 'wrong_type', /attribute "seq"/);
  bad(x.normalise({ device: 'd', metric: 'm', value: 1, seq: [1] } as never, 0, now), 'wrong_type', /got an array/);
});

test('attributes: point fields, bad names and repeats are refused when the normaliser is built', () => {
  assert.throws(() => n({ attributes: ['value'] }), /gateway.ingest.attributes\[0\]: "value" is a field of the point itself/);
  assert.throws(() => n({ attributes: ['seq', '9x'] }), /gateway.ingest.attributes\[1\]: "9x" is not a field name/);
  assert.throws(() => n({ attributes: ['seq', 'seq'] }), /\[1\]: "seq" is listed twice/);
});
