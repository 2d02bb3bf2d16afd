import { randomBytes } from 'node:crypto';
import type { TestContext } from 'node:test';
import { requireService } from '@outpost/testing';
import { dropPostgresSchema, type HubDbOptions } from './open.js';

/** The PostgreSQL server tests use (trust auth, database `test`); OUTPOST_TEST_PG_URL overrides. */
export const TEST_PG_URL = process.env.OUTPOST_TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

/**
 * Options for a fresh PostgreSQL schema unique to this call (parallel runs never collide),
 * dropped after the test. Undefined when the server is absent outside CI (the test is skipped).
 */
export async function pgTestSchema(t: TestContext): Promise<(() => HubDbOptions) | undefined> {
  if (!(await requireService(t, 'PostgreSQL', 5432))) return undefined;
  const made: string[] = [];
  t.after(async () => { for (const s of made) await dropPostgresSchema(TEST_PG_URL, s); });
  return () => {
    const schema = `outpost_test_${process.pid}_${randomBytes(4).toString('hex')}`;
    made.push(schema);
    return { kind: 'postgres', url: TEST_PG_URL, schema, poolSize: 4 };
  };
}
