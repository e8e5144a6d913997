import BetterSqlite3 from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { Kysely, SqliteDialect, type LogEvent, type SqliteDatabase, type Transaction } from 'kysely';
import { LRUCache } from 'lru-cache';
import type { Database } from './schema.js';

/** Counts statements sent to storage, so tests can prove batching (no N+1). */
export class QueryCounter {
  count = 0;
  reset(): void {
    this.count = 0;
  }
}

export function openDatabase(url: string, counter: QueryCounter): Kysely<Database> {
  if (/^postgres(ql)?:\/\//.test(url)) {
    throw new Error('PostgreSQL support is not built yet; set DATABASE_URL to a SQLite file path');
  }
  if (url !== ':memory:') mkdirSync(dirname(url), { recursive: true });
  const sqlite = new BetterSqlite3(url);
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma('foreign_keys = ON');
  sqlite.pragma('busy_timeout = 5000');
  return new Kysely<Database>({
    dialect: new SqliteDialect({ database: withStatementCache(sqlite) }),
    log: (event: LogEvent) => {
      if (event.level === 'query') counter.count++;
    },
  });
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
