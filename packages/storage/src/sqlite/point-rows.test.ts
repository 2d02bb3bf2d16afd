import { test } from 'node:test';
import assert from 'node:assert/strict';
import Database from 'better-sqlite3';
import { tempDir } from '@outpost/testing';
import { GatewayStore } from './gateway-store.js';

test('view point_rows: one row per stored point with device and metric by name, readable from another connection', () => {
  const tmp = tempDir('outpost-point-rows-');
  const path = `${tmp.dir}/gateway.db`;
  const store = GatewayStore.open({ path, synchronous: 'normal' });
  try {
    store.commit([
      { device: 'inv-007', metric: 'temperature', ts: 1_700_000_000_000, value: 88 },
      { device: 'inv-007', metric: 'power', ts: 1_700_000_000_001, value: 4200, unit: 'W' },
      { device: 'inv-008', metric: 'temperature', ts: 1_700_000_000_002, value: 71.5 },
    ], []);
    const reader = new Database(path, { readonly: true });
    try {
      const rows = reader.prepare('SELECT device, metric, ts, value, unit FROM point_rows ORDER BY ts').all();
      assert.deepEqual(rows, [
        { device: 'inv-007', metric: 'temperature', ts: 1_700_000_000_000, value: 88, unit: null },
        { device: 'inv-007', metric: 'power', ts: 1_700_000_000_001, value: 4200, unit: 'W' },
        { device: 'inv-008', metric: 'temperature', ts: 1_700_000_000_002, value: 71.5, unit: null },
      ]);
      assert.equal(reader.prepare('SELECT count(*) FROM points').pluck().get(), 3, 'the table itself has one row per point too');
    } finally {
      reader.close();
    }
  } finally {
    store.close();
    tmp.cleanup();
  }
});
