import BetterSqlite3 from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { Kysely, PostgresAdapter, SqliteDialect, type LogEvent, type SqliteDatabase, type Transaction } from 'kysely';
import { LRUCache } from 'lru-cache';
import { StartupError } from '../startup-error.js';
import { parseDatabaseUrl } from './location.js';
import type { Database } from './schema.js';

/** Counts statements sent to storage, so tests can prove batching (no N+1); `onQuery` feeds the storage-time metric. */
export class QueryCounter {
  count = 0;
  onQuery: ((seconds: number, sql: string) => void) | undefined;
  reset(): void {
    this.count = 0;
  }
}

/**
 * Opens (creating the file and its folder) the SQLite database DATABASE_URL
 * names. Anything that stops it — a folder that cannot be made, a file that
 * cannot be opened or written, a file that is not a database — is one
 * StartupError naming DATABASE_URL; the first write (WAL mode) runs here so
 * that a read-only place fails now rather than at the first request.
 */
export function openDatabase(url: string, counter: QueryCounter): Kysely<Database> {
  const { path } = parseDatabaseUrl(url);
  let sqlite: BetterSqlite3.Database | undefined;
  try {
    if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
    sqlite = new BetterSqlite3(path, { timeout: 5000 });
    sqlite.pragma('journal_mode = WAL');
    sqlite.pragma('foreign_keys = ON');
    sqlite.pragma('busy_timeout = 5000');
  } catch (err) {
    sqlite?.close();
    throw storageStartupError(url, err);
  }
  return new Kysely<Database>({
    dialect: new SqliteDialect({ database: withStatementCache(sqlite) }),
    log: (event: LogEvent) => {
      if (event.level !== 'query') return;
      counter.count++;
      counter.onQuery?.(event.queryDurationMillis / 1000, event.query.sql);
    },
  });
}

/** A failure to open or first write the database → one line naming DATABASE_URL; anything else passes through. */
export function storageStartupError(url: string, err: unknown): unknown {
  const outer = err as { code?: string; message?: string; cause?: unknown } | undefined;
  // A failed migration wraps the storage error that stopped it.
  const e = (outer?.code === undefined && outer?.cause ? outer.cause : outer) as { code?: string; message?: string } | undefined;
  const code = e?.code ?? '';
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
