import BetterSqlite3 from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { Kysely, PostgresAdapter, PostgresDialect, SqliteDialect, sql, type LogEvent, type SqliteDatabase, type Transaction } from 'kysely';
import { LRUCache } from 'lru-cache';
import type pg from 'pg';
import { StartupError } from '../startup-error.js';
import { parseDatabaseUrl, redactDatabaseUrl } from './location.js';
import type { Database } from './schema.js';

/** Counts statements sent to storage, so tests can prove batching (no N+1); `onQuery` feeds the storage-time metric. */
export class QueryCounter {
  count = 0;
  onQuery: ((seconds: number, sql: string) => void) | undefined;
  reset(): void {
    this.count = 0;
  }
}

/** PostgreSQL pool and start-up knobs (DATABASE_POOL_SIZE, DATABASE_STATEMENT_TIMEOUT_MS, DATABASE_CONNECT_*); SQLite ignores them. */
export interface StorageOptions {
  /** Most connections the pool opens. */
  poolSize: number;
  /** Server-side statement_timeout for every connection; 0 leaves the server's default (none). */
  statementTimeoutMs: number;
  /** Further attempts after a failed first connection at start (a database still starting up). */
  connectRetries: number;
  /** How long one connection attempt (start, pool growth, readiness) may take. */
  connectTimeoutMs: number;
  /** How long an unused pooled connection stays open (pg's default, 10 s, when unset); tests shorten it. */
  idleTimeoutMs?: number;
  /** An idle pooled connection that failed (server restart): logged, the pool replaces it. */
  onPoolError?: (err: Error) => void;
}

export const DEFAULT_STORAGE_OPTIONS: StorageOptions = { poolSize: 10, statementTimeoutMs: 30_000, connectRetries: 5, connectTimeoutMs: 5_000 };

/**
 * Opens the database DATABASE_URL names: PostgreSQL through a `pg` pool for
 * postgres:// URLs, SQLite otherwise. For SQLite the file and its folder
 * are created, and anything that stops it — a folder that cannot be made, a
 * file that cannot be opened or written, a file that is not a database — is
 * one StartupError naming DATABASE_URL; the first write (WAL mode) runs here
 * so that a read-only place fails now rather than at the first request.
 * PostgreSQL connects lazily: `connectDatabase` proves it reachable.
 */
export function openDatabase(url: string, counter: QueryCounter, options: StorageOptions = DEFAULT_STORAGE_OPTIONS): Kysely<Database> {
  const location = parseDatabaseUrl(url);
  const log = (event: LogEvent) => {
    if (event.level !== 'query') return;
    counter.count++;
    counter.onQuery?.(event.queryDurationMillis / 1000, event.query.sql);
  };
  if (location.kind === 'postgres') {
    // `pg` is loaded when Kysely first connects (its dialect takes a pool factory): a SQLite gateway never loads it
    // (issue 18: cold start).
    const pool = async () => postgresPool((await import('pg')).default, location.url, options);
    return new Kysely<Database>({ dialect: new PostgresDialect({ pool }), log });
  }
  const { path } = location;
  let sqlite: BetterSqlite3.Database | undefined;
  try {
    if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
    sqlite = new BetterSqlite3(path, { timeout: 5000 });
    sqlite.pragma('journal_mode = WAL');
    sqlite.pragma('foreign_keys = ON');
    sqlite.pragma('busy_timeout = 5000');
    // SQLite's own lower() folds ASCII only; PostgreSQL's folds every letter (UTF-8 databases). Case-insensitive
    // filters (filter-sql.ts) lower both sides, so SQLite gets a Unicode lower() and both engines match the same rows.
    sqlite.function('lower', { deterministic: true }, (s: unknown) => (typeof s === 'string' ? s.toLowerCase() : null));
  } catch (err) {
    sqlite?.close();
    throw storageStartupError(url, err);
  }
  return new Kysely<Database>({ dialect: new SqliteDialect({ database: withStatementCache(sqlite) }), log });
}

/**
 * `openDatabase`, and for PostgreSQL a first `select 1`, retried
 * DATABASE_CONNECT_RETRIES times (`retryDelayMs` apart) while the server
 * refuses or is starting up; a refusal that retrying cannot fix (bad
 * password, no such database) stops at once. Failing that: one
 * StartupError line naming DATABASE_URL (its password masked).
 */
export async function connectDatabase(
  url: string,
  counter: QueryCounter,
  options: StorageOptions = DEFAULT_STORAGE_OPTIONS,
  retryDelayMs = 1000,
): Promise<Kysely<Database>> {
  const db = openDatabase(url, counter, options);
  if (!isPostgres(db)) return db;
  for (let attempt = 1; ; attempt++) {
    try {
      await sql`select 1`.execute(db);
      return db;
    } catch (err) {
      if (attempt > options.connectRetries || !retryable(err)) {
        await db.destroy();
        throw postgresStartupError(url, err, attempt);
      }
      await new Promise((resolve) => setTimeout(resolve, retryDelayMs));
    }
  }
}

/** True when the database is PostgreSQL (also for a transaction on it): the few places where the SQL differs ask this. */
export function isPostgres(db: Kysely<any>): boolean {
  return db.getExecutor().adapter instanceof PostgresAdapter;
}

// PostgreSQL's type OID for int8 (pg_type), which bigint columns and count(*) return.
const INT8 = 20;

/**
 * `pg` returns int8 as a string because it may exceed 2^53. Every int8 here
 * is a count, an id or money in integer cents, far below that, so it is
 * parsed to a number — and a value past Number.MAX_SAFE_INTEGER throws
 * rather than silently losing cents. numeric (what sum(int8) returns) stays
 * an exact decimal string; the repositories convert the totals they read.
 * Per pool, not pg's process-wide `types.setTypeParser`.
 */
const typesOf = (pgTypes: typeof pg.types) => ({
  getTypeParser(oid: number, format: 'text' | 'binary' = 'text') {
    if (oid === INT8 && format === 'text') {
      return (text: string) => {
        const n = Number(text);
        if (!Number.isSafeInteger(n)) throw new RangeError(`int8 value ${text} is beyond JavaScript's exact integers`);
        return n;
      };
    }
    return format === 'binary' ? pgTypes.getTypeParser(oid, 'binary') : pgTypes.getTypeParser(oid, 'text');
  },
});

function postgresPool({ Pool, types }: typeof pg, url: string, o: StorageOptions): pg.Pool {
  const pool = new Pool({
    connectionString: url,
    max: Math.max(1, o.poolSize),
    connectionTimeoutMillis: o.connectTimeoutMs,
    ...(o.idleTimeoutMs !== undefined && { idleTimeoutMillis: o.idleTimeoutMs }),
    ...(o.statementTimeoutMs > 0 && { statement_timeout: o.statementTimeoutMs }),
    application_name: 'polyface',
    types: typesOf(types),
  });
  // Without a listener an idle connection's error (the server restarted) would be an uncaught exception.
  pool.on('error', (err) => o.onPoolError?.(err));
  return pool;
}

/** Connection problems worth another try; SQLSTATE class 28 (bad credentials) and 3D000 (no such database) are not. */
function retryable(err: unknown): boolean {
  const code = (err as { code?: string } | undefined)?.code ?? '';
  return !(code.startsWith('28') || code === '3D000');
}

/** One line from an error: an AggregateError (every address of a host refused) has an empty message, its parts say why. */
function reasonOf(err: unknown): string {
  const e = err as { message?: string; code?: string; errors?: { message?: string }[] } | undefined;
  return (e?.message || e?.errors?.map((x) => x.message).join('; ') || e?.code || String(err)).replace(/\s+/g, ' ').trim();
}

function postgresStartupError(url: string, err: unknown, attempts: number): StartupError {
  const tries = attempts > 1 ? ` after ${attempts} attempts` : '';
  return new StartupError(
    'DATABASE_URL',
    `DATABASE_URL=${redactDatabaseUrl(url)}: cannot reach the PostgreSQL database${tries} (${reasonOf(err)}); check that the server runs and that the host, port, user, password and database name are right`,
    { cause: err },
  );
}

/** A failure to open or first write the database → one line naming DATABASE_URL; anything else passes through. */
export function storageStartupError(url: string, err: unknown): unknown {
  const outer = err as { code?: string; message?: string; cause?: unknown } | undefined;
  // A failed migration wraps the storage error that stopped it.
  const e = (outer?.code === undefined && outer?.cause ? outer.cause : outer) as { code?: string; message?: string } | undefined;
  const code = e?.code ?? '';
  if (parseDatabaseUrl(url).kind === 'postgres') {
    // A SQLSTATE (five characters) or a socket error: the server said no, e.g. no right to create tables.
    if (!/^([0-9A-Z]{5}|E[A-Z]+)$/.test(code)) return err;
    return new StartupError('DATABASE_URL', `DATABASE_URL=${redactDatabaseUrl(url)}: cannot use the PostgreSQL database (${reasonOf(e)})`, { cause: err });
  }
  const known = /^(SQLITE_|E(NOENT|ACCES|PERM|NOTDIR|ROFS|ISDIR|EXIST|NOSPC|IO)$)/.test(code) || /directory does not exist/i.test(e?.message ?? '');
  if (!known) return err;
  const reason = (e?.message ?? code).replace(/\s+/g, ' ').trim();
  return new StartupError(
    'DATABASE_URL',
    `DATABASE_URL=${url}: cannot use it as the SQLite database (${reason}); set DATABASE_URL to a file path in a folder polyface can write, e.g. ./data/polyface.db`,
    { cause: err },
  );
}

export const STATEMENT_CACHE_SIZE = 256;

/**
 * Kysely's SQLite driver calls `prepare` for every query, and better-sqlite3
 * compiles the SQL each time: a large share of a hot read. Statements are
 * reusable, and Kysely runs one query at a time on its single connection, so
 * a bounded LRU of prepared statements keyed by SQL text is safe and removes
 * that cost. (Statements are not shared with `.stream()`, which we don't use.)
 */
export function withStatementCache(sqlite: BetterSqlite3.Database): SqliteDatabase {
  const cache = new LRUCache<string, BetterSqlite3.Statement>({ max: STATEMENT_CACHE_SIZE });
  return {
    close: () => sqlite.close(),
    prepare(sql: string) {
      let stmt = cache.get(sql);
      if (!stmt) {
        stmt = sqlite.prepare(sql);
        cache.set(sql, stmt);
      }
      return stmt;
    },
  };
}

/** True for a unique-constraint violation in SQLite or PostgreSQL. */
export function isUniqueViolation(err: unknown): boolean {
  const e = err as { code?: string } | undefined;
  return e?.code === 'SQLITE_CONSTRAINT_UNIQUE' || e?.code === '23505';
}

/** True for a foreign-key violation in SQLite or PostgreSQL. */
export function isForeignKeyViolation(err: unknown): boolean {
  const e = err as { code?: string } | undefined;
  return e?.code === 'SQLITE_CONSTRAINT_FOREIGNKEY' || e?.code === '23503';
}

/** `like` pattern for a case-insensitive substring, with the user's wildcards escaped. */
export function containsPattern(text: string): string {
  return `%${text.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

let savepoints = 0;

/**
 * Runs one write whose refusal by a constraint the repository turns into a
 * result (a unique violation → `conflict`), so that the caller's
 * transaction stays usable after it. PostgreSQL refuses every statement in
 * a transaction after an error until a rollback, so there the write gets
 * its own savepoint (SQL:1999 SAVEPOINT, rolled back to on failure);
 * SQLite, and any statement outside a transaction, need none.
 */
export async function recoverable<T>(db: Kysely<Database>, work: () => Promise<T>): Promise<T> {
  if (!db.isTransaction || !isPostgres(db)) return work();
  const name = sql.id(`recoverable_${++savepoints}`);
  await sql`savepoint ${name}`.execute(db);
  try {
    const value = await work();
    await sql`release savepoint ${name}`.execute(db);
    return value;
  } catch (err) {
    await sql`rollback to savepoint ${name}`.execute(db);
    throw err;
  }
}

/**
 * Runs `work` in a transaction, or in the caller's when `db` already is one
 * (a repository used inside a unit of work): Kysely does not nest
 * transactions, and the outer one already makes the steps atomic.
 */
export function inTransaction<T>(db: Kysely<Database>, work: (tx: Kysely<Database>) => Promise<T>): Promise<T> {
  return db.isTransaction ? work(db) : db.transaction().execute((tx: Transaction<Database>) => work(tx));
}

/** Which SQL dialect a connection speaks, for the few statements that differ (migrations, the FTS5 search path). */
export function dialectOf(db: Kysely<any>): 'sqlite' | 'postgres' {
  return db.getExecutor().adapter instanceof PostgresAdapter ? 'postgres' : 'sqlite';
}
