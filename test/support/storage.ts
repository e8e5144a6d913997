import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { DEFAULT_STORAGE_OPTIONS, openDatabase, QueryCounter, type StorageOptions } from '../../src/infra/storage/database.js';
import { migrate } from '../../src/infra/storage/migrations.js';

/**
 * Which storage engine this test run uses. `vitest.config.ts` runs the
 * storage-dependent files a second time, as the `postgres` project, when
 * TEST_DATABASE_URL is set; everything else (and `npm test` on a machine
 * without PostgreSQL) uses in-memory SQLite.
 */
export const TEST_ENGINE: 'sqlite' | 'postgres' = process.env.POLYFACE_TEST_ENGINE === 'postgres' ? 'postgres' : 'sqlite';

/** Pools in tests: few connections, closed soon after use (a file may open one database per test). */
export const TEST_STORAGE_OPTIONS: StorageOptions = { ...DEFAULT_STORAGE_OPTIONS, poolSize: 4, idleTimeoutMs: 200 };

const created: string[] = [];
let admin: pg.Pool | undefined;

function baseUrl(): string {
  const url = process.env.TEST_DATABASE_URL;
  if (!url) throw new Error('POLYFACE_TEST_ENGINE=postgres needs TEST_DATABASE_URL (e.g. postgres://postgres@127.0.0.1:5432/postgres)');
  return url;
}

/**
 * A fresh, empty database for one test's storage: `:memory:` on SQLite; on
 * PostgreSQL a new schema `polyface_test_<random>` in TEST_DATABASE_URL's
 * database, named as the connection's search_path (libpq `options`), and
 * dropped when the test file ends (postgres-setup.ts). A schema rather than
 * a database: creating and dropping one costs milliseconds, not seconds.
 */
export async function scratchDatabaseUrl(): Promise<string> {
  if (TEST_ENGINE === 'sqlite') return ':memory:';
  const base = baseUrl();
  const schema = `polyface_test_${randomBytes(6).toString('hex')}`;
  admin ??= new pg.Pool({ connectionString: base, max: 1, idleTimeoutMillis: 1000 });
  // pg_trgm (migration 0005) lives in public, once, not in the first scratch schema that would install it:
  // dropping that schema with CASCADE would take the extension and every other scratch schema's index with it.
  await admin.query('create extension if not exists pg_trgm with schema public');
  await admin.query(`create schema ${schema}`);
  created.push(schema);
  const url = new URL(base);
  url.searchParams.set('options', `-c search_path=${schema}`);
  return url.toString();
}

/** A migrated scratch database (see scratchDatabaseUrl), opened with the test pool options. */
export async function openTestDatabase(counter: QueryCounter = new QueryCounter()) {
  const db = openDatabase(await scratchDatabaseUrl(), counter, TEST_STORAGE_OPTIONS);
  await migrate(db);
  return db;
}

/** Drops every scratch schema this test file made. */
export async function dropScratchDatabases(): Promise<void> {
  if (!admin) return;
  for (const schema of created.splice(0)) await admin.query(`drop schema if exists ${schema} cascade`);
  await admin.end();
  admin = undefined;
}
