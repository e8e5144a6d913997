import { createQueryId, sql, type Kysely, type KyselyPlugin, type RootOperationNode } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../src/infra/storage/schema.js';
import { SqlUserRepository } from '../../src/infra/storage/users-repo.js';
import { dropScratchDatabases, openTestDatabase } from '../support/storage.js';

/**
 * PostgreSQL's substring search (migration 0005: a pg_trgm GIN index on lower(name)) serves the very statement the
 * users repository sends for a `contains` filter, as SQLite's FTS5 path does (test/infra/name-search.test.ts): the
 * statement is captured as sent, with its parameters, and explained. Sequential and plain index scans (the
 * primary key walked in page order) are switched off for the EXPLAIN, which leaves the bitmap scans a GIN index
 * offers: on a small table the planner's cost choice would otherwise hide whether the statement, as written (its
 * lower(), its LIKE … ESCAPE), can use the index at all.
 */
describe('name search on PostgreSQL', () => {
  let db: Kysely<Database>;
  const sent: RootOperationNode[] = [];
  const capture: KyselyPlugin = {
    transformQuery: ({ node }) => (sent.push(node), node),
    transformResult: async ({ result }) => result,
  };

  beforeAll(async () => {
    db = await openTestDatabase();
    await db
      .insertInto('users')
      .values(Array.from({ length: 2000 }, (_, i) => ({ name: `Person ${i} ${i % 500 === 0 ? 'Zanzibara' : 'Kowalski'}`, email: `p${i}@example.com`, role: 'user', password_hash: null, created_at: 't', updated_at: 't', version: 1 })))
      .execute();
    await sql`analyze users`.execute(db);
  });
  afterAll(async () => {
    await db.destroy();
    await dropScratchDatabases();
  });

  it('uses the pg_trgm index for the statement a `contains` filter sends', async () => {
    const repo = new SqlUserRepository(db.withPlugin(capture));
    // A selective needle (4 of 2,000 rows): the case an index exists for. A common one may rightly be served by
    // walking the primary key in page order until the page is full, which the planner prefers then.
    const page = await repo.list({ limit: 10, offset: 0, sort: [], where: { op: 'contains', field: 'name', value: 'ZANZIB' }, withTotal: false });
    expect(page.items.map((u) => u.name)).toEqual(['Person 0 Zanzibara', 'Person 500 Zanzibara', 'Person 1000 Zanzibara', 'Person 1500 Zanzibara']);
    const select = sent.find((node) => node.kind === 'SelectQueryNode')!;
    const compiled = db.getExecutor().compileQuery(select, createQueryId());
    expect(compiled.sql).toMatch(/lower\("?name"?\) like/i);
    const plan = await db.connection().execute(async (conn) => {
      await sql`set enable_seqscan = off`.execute(conn);
      await sql`set enable_indexscan = off`.execute(conn);
      const { rows } = await sql.raw<{ 'QUERY PLAN': string }>(`explain ${compiled.sql.replace(/\$(\d+)/g, (_, n: string) => literal(compiled.parameters[Number(n) - 1]))}`).execute(conn);
      await sql`reset enable_seqscan`.execute(conn);
      await sql`reset enable_indexscan`.execute(conn);
      return rows.map((r) => r['QUERY PLAN']).join('\n');
    });
    expect(plan).toContain('users_name_trgm');
  });
});

/** A parameter as an SQL literal, for EXPLAIN (PostgreSQL 15 cannot explain a statement with placeholders). */
function literal(value: unknown): string {
  if (typeof value === 'number' || typeof value === 'bigint') return String(value);
  return `'${String(value).replaceAll("'", "''")}'`;
}
