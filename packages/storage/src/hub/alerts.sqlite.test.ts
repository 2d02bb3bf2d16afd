import { test } from 'node:test';
import { tempDir } from '@outpost/testing';
import { HubStore } from './store.js';
import { alertsConformance } from './alerts-conformance.js';

// The same suite runs on PostgreSQL in alerts.postgres.integration.test.ts.
test('hub alert store on SQLite', async (t) => {
  const tmp = tempDir('outpost-hub-alerts-');
  t.after(tmp.cleanup);
  let n = 0;
  await alertsConformance(t, () => HubStore.open({ kind: 'sqlite', path: `${tmp.dir}/hub-${n++}.db` }));
});
