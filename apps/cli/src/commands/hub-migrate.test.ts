import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { requireService, tempDir } from '@outpost/testing';
import { dropPostgresSchema } from '@outpost/storage/hub/index';
import { TEST_PG_URL } from '@outpost/storage/hub/pg-test-db';
import { run } from '../run.js';
import { captureIo } from '../test-io.js';

test('outpost hub migrate creates the SQLite schema once, then reports it up to date', async (t) => {
  const tmp = tempDir();
  t.after(tmp.cleanup);
  const io = captureIo();
  assert.equal(await run(['hub', 'migrate', '--set', `hub.dataDir=${tmp.dir}`], io), 0);
  assert.match(io.stdout(), /applied 0001_tenancy, 0002_fleet, .* to .*hub\.db\n$/);
  assert.ok(existsSync(`${tmp.dir}/hub.db`));
  const again = captureIo();
  assert.equal(await run(['hub', 'migrate', '--set', `hub.dataDir=${tmp.dir}`], again), 0);
  assert.match(again.stdout(), /is up to date/);
});

test('outpost hub migrate on PostgreSQL (hub.db.kind=postgres) into its own schema', async (t) => {
  if (!(await requireService(t, 'PostgreSQL', 5432))) return;
  const schema = `cli_migrate_${process.pid}`;
  t.after(() => dropPostgresSchema(TEST_PG_URL, schema));
  const io = captureIo();
  const code = await run(['hub', 'migrate', '--set', 'hub.db.kind=postgres', '--set', `hub.db.url=${TEST_PG_URL}`, '--set', `hub.db.schema=${schema}`], io);
  assert.equal(code, 0, io.stderr());
  assert.match(io.stdout(), new RegExp(`applied 0001_tenancy.* \\(schema ${schema}\\)`));
});

test('outpost hub migrate with an invalid hub.db.kind exits 2 naming the setting', async () => {
  const io = captureIo();
  assert.equal(await run(['hub', 'migrate', '--set', 'hub.db.kind=oracle'], io), 2);
  assert.match(io.stderr(), /hub\.db\.kind: expected one of "sqlite", "postgres"/);
});
