import { test } from 'node:test';
import { HubStore } from './store.js';
import { processorsConformance } from './processors-conformance.js';
import { pgTestSchema } from './pg-test-db.js';

test('hub processor store on PostgreSQL', async (t) => {
  const fresh = await pgTestSchema(t);
  if (!fresh) return;
  await processorsConformance(t, () => HubStore.open(fresh()));
});
