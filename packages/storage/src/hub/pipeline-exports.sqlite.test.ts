import { test } from 'node:test';
import { tempDir } from '@outpost/testing';
import { HubStore } from './store.js';
import { pipelineExportsConformance } from './pipeline-exports-conformance.js';

// The same suite runs on PostgreSQL in pipeline-exports.postgres.integration.test.ts.
test('hub pipeline outbox on SQLite', async (t) => {
  const tmp = tempDir('outpost-hub-exports-');
  t.after(tmp.cleanup);
  let n = 0;
  await pipelineExportsConformance(t, () => HubStore.open({ kind: 'sqlite', path: `${tmp.dir}/hub-${n++}.db` }));
});
