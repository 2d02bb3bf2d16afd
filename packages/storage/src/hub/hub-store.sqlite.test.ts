import { test } from 'node:test';
import assert from 'node:assert/strict';
import { tempDir } from '@outpost/testing';
import { HubStore } from './store.js';
import { hubStoreConformance } from './conformance.js';

test('HubStore conformance on SQLite', async (t) => {
  const tmp = tempDir('outpost-hubstore-');
  t.after(tmp.cleanup);
  let n = 0;
  await hubStoreConformance(t, () => HubStore.open({ kind: 'sqlite', path: `${tmp.dir}/hub-${n++}.db` }));
});

test('migrations are idempotent on an existing SQLite file', async (t) => {
  const tmp = tempDir('outpost-hubstore-');
  t.after(tmp.cleanup);
  const path = `${tmp.dir}/hub.db`;
  const first = await HubStore.migrate({ kind: 'sqlite', path });
  const second = await HubStore.migrate({ kind: 'sqlite', path });
  assert.deepEqual(first.applied, ['0001_tenancy', '0002_fleet', '0003_timeseries', '0004_device_status', '0005_uplink', '0006_artifacts_rollouts', '0006_pipelines', '0008_pipeline_outputs', '0009_alerts', '0010_processors', '0011_device_log_service', '0012_pipeline_exports']);
  assert.deepEqual(second.applied, []);
});
