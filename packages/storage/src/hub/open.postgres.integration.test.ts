import { test } from 'node:test';
import assert from 'node:assert/strict';
import pg from 'pg';
import { openHubDb } from './open.js';
import { migrateHubDb } from './migrations.js';
import { pgTestSchema, TEST_PG_URL } from './pg-test-db.js';

// CI once failed a hub test with 'schema "outpost_test_…" does not exist': Kysely's stock
// introspector read every schema in the database while another test process dropped its own.
test('migrations and introspection see only the hub schema and survive other schemas being dropped meanwhile', async (t) => {
  const fresh = await pgTestSchema(t);
  if (!fresh) return;
  const opts = fresh();
  const hub = await openHubDb(opts);
  t.after(() => hub.close());
  const churner = new pg.Client({ connectionString: TEST_PG_URL });
  await churner.connect();
  t.after(() => churner.end());
  let stop = false;
  let churned = 0;
  const churn = (async () => {
    while (!stop) {
      const s = `outpost_churn_${process.pid}_${churned++}`;
      await churner.query(`create schema ${s}; create table ${s}.a (x int, y text); create table ${s}.b (x serial)`);
      await churner.query(`drop schema ${s} cascade`);
    }
  })();
  try {
    await migrateHubDb(hub.db, 'postgres', opts.kind === 'postgres' ? opts.schema : undefined);
    const deadline = Date.now() + 2_000;
    let reads = 0;
    while (Date.now() < deadline || churned < 20) {
      const tables = await hub.db.introspection.getTables({ withInternalKyselyTables: true });
      assert.ok(tables.length > 10, 'the hub tables are listed');
      assert.deepEqual([...new Set(tables.map((x) => x.schema))], [hub.schema], 'only the hub schema is read');
      assert.ok(tables.some((x) => x.name === 'kysely_migration'));
      reads++;
    }
    assert.ok(reads > 10 && churned >= 20, `raced ${reads} reads against ${churned} dropped schemas`);
    assert.deepEqual((await migrateHubDb(hub.db, 'postgres', hub.schema)).applied, [], 'a second run finds every migration applied');
  } finally {
    stop = true;
    await churn;
  }
});
