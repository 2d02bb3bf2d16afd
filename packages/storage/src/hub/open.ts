import Database from 'better-sqlite3';
import pg from 'pg';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { Kysely, PostgresDialect, SqliteDialect, sql, type DatabaseIntrospector, type DatabaseMetadata, type SchemaMetadata, type TableMetadata } from 'kysely';
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
  const db = new Kysely<HubTables>({ dialect: new SchemaScopedPostgresDialect({ pool }) });
  return { db, dialect: 'postgres', ...(schema !== undefined ? { schema } : {}), close: () => db.destroy() };
}

/**
 * Kysely's PostgreSQL introspector (what its Migrator uses to find its own tables) reads the
 * columns of every table in the database and calls name-based catalog functions on each. A schema
 * dropped by someone else at that moment (another hub, a test run next door) makes the whole query
 * fail with "schema ... does not exist". This one looks only at the hub's own schema, by oid.
 */
class SchemaScopedPostgresDialect extends PostgresDialect {
  override createIntrospector(db: Kysely<any>): DatabaseIntrospector { return new SchemaScopedIntrospector(db); }
}

class SchemaScopedIntrospector implements DatabaseIntrospector {
  constructor(private readonly db: Kysely<any>) {}

  async getSchemas(): Promise<SchemaMetadata[]> {
    const { rows } = await sql<{ name: string }>`select current_schema() as name`.execute(this.db);
    return rows.filter((r) => r.name !== null);
  }

  async getTables(): Promise<TableMetadata[]> {
    const { rows } = await sql<{ schema: string; table: string; kind: string; column: string; type: string; type_schema: string; not_null: boolean; has_default: boolean }>`
      select ns.nspname as schema, c.relname as table, c.relkind as kind, a.attname as column,
             t.typname as type, tns.nspname as type_schema, a.attnotnull as not_null, a.atthasdef as has_default
      from pg_catalog.pg_class c
      join pg_catalog.pg_namespace ns on ns.oid = c.relnamespace
      join pg_catalog.pg_attribute a on a.attrelid = c.oid and a.attnum > 0 and not a.attisdropped
      join pg_catalog.pg_type t on t.oid = a.atttypid
      join pg_catalog.pg_namespace tns on tns.oid = t.typnamespace
      where ns.nspname = current_schema() and c.relkind in ('r', 'v', 'p')
      order by c.relname, a.attnum`.execute(this.db);
    const tables = new Map<string, TableMetadata & { columns: TableMetadata['columns'][number][] }>();
    for (const r of rows) {
      let table = tables.get(r.table);
      if (!table) tables.set(r.table, table = { name: r.table, schema: r.schema, isView: r.kind === 'v', columns: [] });
      table.columns.push({ name: r.column, dataType: r.type, dataTypeSchema: r.type_schema, isNullable: !r.not_null, hasDefaultValue: r.has_default, isAutoIncrementing: false });
    }
    return [...tables.values()];
  }

  async getMetadata(): Promise<DatabaseMetadata> { return { tables: await this.getTables() }; }
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
