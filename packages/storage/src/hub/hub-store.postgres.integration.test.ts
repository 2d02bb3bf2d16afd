import { test } from 'node:test';
import { HubStore } from './store.js';
import { hubStoreConformance } from './conformance.js';
import { pgTestSchema } from './pg-test-db.js';

test('HubStore conformance on PostgreSQL', async (t) => {
  const fresh = await pgTestSchema(t);
  if (!fresh) return;
  await hubStoreConformance(t, () => HubStore.open(fresh()));
});
