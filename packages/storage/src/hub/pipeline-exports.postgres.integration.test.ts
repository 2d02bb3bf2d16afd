import { test } from 'node:test';
import { HubStore } from './store.js';
import { pipelineExportsConformance } from './pipeline-exports-conformance.js';
import { pgTestSchema } from './pg-test-db.js';

test('hub pipeline outbox on PostgreSQL', async (t) => {
  const fresh = await pgTestSchema(t);
  if (!fresh) return;
  await pipelineExportsConformance(t, () => HubStore.open(fresh()));
});
