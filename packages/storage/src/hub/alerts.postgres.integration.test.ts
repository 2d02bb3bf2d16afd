import { test } from 'node:test';
import { HubStore } from './store.js';
import { alertsConformance } from './alerts-conformance.js';
import { pgTestSchema } from './pg-test-db.js';

test('hub alert store on PostgreSQL', async (t) => {
  const fresh = await pgTestSchema(t);
  if (!fresh) return;
  await alertsConformance(t, () => HubStore.open(fresh()));
});
