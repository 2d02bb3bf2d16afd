import { test } from 'node:test';
import { tempDir } from '@outpost/testing';
import { HubStore } from './store.js';
import { processorsConformance } from './processors-conformance.js';

// The same suite runs on PostgreSQL in processors.postgres.integration.test.ts.
test('hub processor store on SQLite', async (t) => {
  const tmp = tempDir('outpost-hub-processors-');
  t.after(tmp.cleanup);
  let n = 0;
  await processorsConformance(t, () => HubStore.open({ kind: 'sqlite', path: `${tmp.dir}/hub-${n++}.db` }));
});
