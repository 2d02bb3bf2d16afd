import Database from 'better-sqlite3';
import pg from 'pg';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { Kysely, PostgresDialect, SqliteDialect } from 'kysely';
import type { HubTables } from './schema.js';

export type HubDialect = 'sqlite' | 'postgres';

export type HubDbOptions =
  | { kind: 'sqlite'; /** Database file, or ':memory:'. */ path: string }
  | { kind: 'postgres'; /** e.g. postgres://postgres@127.0.0.1:5432/test */ url: string; /** Schema to live in (created if absent). */ schema?: string; poolSize?: number };

export interface HubDb {
  db: Kysely<HubTables>;
  dialect: HubDialect;
  /** The SQLite connection itself, for the bulk point writer's prepared statements (same connection as `db`). */
  sqlite?: Database.Database;
  /** PostgreSQL schema the tables live in, when one was named. */
  schema?: string;
  close(): Promise<void>;
}

const INT8_OID = 20;
const NUMERIC_OID = 1700;

/** Open the hub database. PostgreSQL int8/numeric come back as numbers (epoch ms fit in 2^53). */
export async function openHubDb(opts: HubDbOptions): Promise<HubDb> {
  if (opts.kind === 'sqlite') {
    if (opts.path !== ':memory:') mkdirSync(dirname(opts.path), { recursive: true });
    const sqlite = new Database(opts.path);
    sqlite.pragma('journal_mode = WAL');
    sqlite.pragma('synchronous = NORMAL');
    sqlite.pragma('foreign_keys = ON');
    sqlite.pragma('busy_timeout = 5000');
    const db = new Kysely<HubTables>({ dialect: new SqliteDialect({ database: cachingStatements(sqlite) }) });
    return { db, dialect: 'sqlite', sqlite, close: () => db.destroy() };
  }
  const schema = opts.schema;
  if (schema !== undefined && !/^[a-z_][a-z0-9_]{0,62}$/.test(schema)) {
    throw new Error(`postgres schema "${schema}" must be a lower-case SQL identifier`);
  }
  const types = {
    getTypeParser: (oid: number, format?: 'text' | 'binary') =>
      oid === INT8_OID || oid === NUMERIC_OID ? (v: string) => Number(v) : pg.types.getTypeParser(oid, format ?? 'text'),
  };
  if (schema !== undefined) {
    const c = new pg.Client({ connectionString: opts.url });
    await c.connect();
    try { await c.query(`create schema if not exists "${schema}"`); } finally { await c.end(); }
  }
  const pool = new pg.Pool({
    connectionString: opts.url,
    max: opts.poolSize ?? 10,
    types,
    ...(schema !== undefined ? { options: `-c search_path="${schema}"` } : {}),
  });
  const db = new Kysely<HubTables>({ dialect: new PostgresDialect({ pool }) });
  return { db, dialect: 'postgres', ...(schema !== undefined ? { schema } : {}), close: () => db.destroy() };
}

/**
 * Kysely prepares every query anew; better-sqlite3 preparation costs more than running a small
 * statement, so keep prepared statements by SQL text (bounded: the SQL of bulk inserts varies).
 */
function cachingStatements(sqlite: Database.Database) {
  const cache = new Map<string, Database.Statement>();
  return {
    close: () => { cache.clear(); sqlite.close(); },
    prepare(sql: string) {
      let st = cache.get(sql);
      if (!st) {
        st = sqlite.prepare(sql);
        if (cache.size >= 500) cache.delete(cache.keys().next().value!);
        cache.set(sql, st);
      }
      return st;
    },
  };
}

/** Drop a PostgreSQL schema and everything in it (test clean-up). */
export async function dropPostgresSchema(url: string, schema: string): Promise<void> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try { await c.query(`drop schema if exists "${schema}" cascade`); } finally { await c.end(); }
}
