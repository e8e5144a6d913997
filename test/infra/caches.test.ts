import BetterSqlite3 from 'better-sqlite3';
import { afterEach, expect, it, vi } from 'vitest';
import { STATEMENT_CACHE_SIZE, withStatementCache } from '../../src/infra/storage/database.js';
import { JwtCodec } from '../../src/infra/tokens.js';

afterEach(() => vi.useRealTimers());

it('reuses a prepared statement per SQL text and evicts the least recently used past the bound', () => {
  const sqlite = new BetterSqlite3(':memory:');
  const prepare = vi.spyOn(sqlite, 'prepare');
  const db = withStatementCache(sqlite);
  const first = db.prepare('select 1 as n');
  expect(db.prepare('select 1 as n')).toBe(first);
  expect(prepare).toHaveBeenCalledTimes(1);
  for (let i = 0; i < STATEMENT_CACHE_SIZE; i++) db.prepare(`select ${i + 2} as n`);
  // 'select 1' was the least recently used, so it was evicted and compiles again.
  expect(db.prepare('select 1 as n')).not.toBe(first);
  expect(prepare).toHaveBeenCalledTimes(STATEMENT_CACHE_SIZE + 2);
  db.close();
});

it('a token verifies until it expires, and carries the credentials version it was issued with', async () => {
  vi.useFakeTimers({ toFake: ['Date'] });
  vi.setSystemTime(new Date('2026-06-01T12:00:00Z'));
  const codec = new JwtCodec('cache-test-secret-cache-test-secret', 60);
  const token = await codec.sign({ subject: 'user:1', role: 'user', userId: 1 });
  expect(await codec.verify(token)).toEqual({ subject: 'user:1', role: 'user', userId: 1 });
  vi.setSystemTime(new Date('2026-06-01T12:00:59Z'));
  expect(await codec.verify(token)).toBeDefined();
  vi.setSystemTime(new Date('2026-06-01T12:01:01Z'));
  expect(await codec.verify(token)).toBeUndefined();
  vi.setSystemTime(new Date('2026-06-01T12:00:00Z'));
  const versioned = await codec.sign({ subject: 'user:2', role: 'user', userId: 2, credentialsVersion: 3 });
  expect(await codec.verify(versioned)).toEqual({ subject: 'user:2', role: 'user', userId: 2, credentialsVersion: 3 });
});
