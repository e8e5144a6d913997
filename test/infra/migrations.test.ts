import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { openDatabase, QueryCounter } from '../../src/infra/storage/database.js';
import { migrate, MIGRATION_NAMES } from '../../src/infra/storage/migrations.js';
import { SqlUserRepository } from '../../src/infra/storage/users-repo.js';

const user = (n: number, name: string) => ({
  name,
  email: `u${n}@example.com`,
  role: 'user' as const,
  password_hash: null,
  created_at: '2026-01-01T00:00:00.000Z',
  updated_at: '2026-01-01T00:00:00.000Z',
  version: 1,
});

describe('migrations', () => {
  it('keep the names already shipped, in order: the outbox is 0003_events, the jobs table comes after it', () => {
    expect(MIGRATION_NAMES).toEqual(['0001_initial', '0002_credentials_version', '0003_events', '0004_jobs', '0005_list_indexes']);
  });

  it('are numbered ASCII names, whose code-point order (the migrator sorts by it) is their locale order too', () => {
    for (const name of MIGRATION_NAMES) expect(name).toMatch(/^\d{4}_[a-z_]+$/);
    expect([...MIGRATION_NAMES].sort((a, b) => a.localeCompare(b))).toEqual([...MIGRATION_NAMES].sort());
  });

  it('a database migrated by the release before jobs (through 0003_events) gains the jobs table and what follows, its events kept', async () => {
    const db = openDatabase(':memory:', new QueryCounter());
    try {
      expect(await migrate(db, '0003_events')).toEqual(['0001_initial', '0002_credentials_version', '0003_events']);
      await db.insertInto('events').values({ type: 'product.created', occurred_at: '2026-01-15T09:00:00.000Z', owner_id: null, data: '{"id":1}' }).execute();

      expect(await migrate(db)).toEqual(['0004_jobs', '0005_list_indexes']);
      expect(await db.selectFrom('jobs').select('id').execute()).toEqual([]);
      expect(await db.selectFrom('events').select(['id', 'type']).execute()).toEqual([{ id: 1, type: 'product.created' }]);
      expect(await migrate(db)).toEqual([]);
    } finally {
      await db.destroy();
    }
  });

  it('0005 indexes the names and counts the rows already there, and triggers keep both in step with later writes', async () => {
    const db = openDatabase(':memory:', new QueryCounter());
    const count = async () => Number((await sql<{ n: number }>`select n from row_counts where name = 'users'`.execute(db)).rows[0]!.n);
    const fts = async (needle: string) =>
      (await sql<{ id: number }>`select rowid as id from users_name_fts where name like ${`%${needle}%`} order by rowid`.execute(db)).rows.map((r) => r.id);
    try {
      await migrate(db, '0004_jobs');
      await db.insertInto('users').values([user(1, 'Alice'), user(2, 'Malik'), user(3, 'Bob')]).execute();
      expect(await migrate(db)).toEqual(['0005_list_indexes']);
      expect(await count()).toBe(3);
      expect(await fts('ali')).toEqual([1, 2]);

      await db.insertInto('users').values(user(4, 'Natalia')).execute();
      await db.updateTable('users').set({ name: 'Robert' }).where('id', '=', 1).execute();
      await db.deleteFrom('users').where('id', '=', 2).execute();
      expect(await count()).toBe(3);
      expect(await fts('ali')).toEqual([4]);
      expect(await fts('ROB')).toEqual([1]);
      // A write that changes no name leaves the index alone (the update trigger is on the name column only).
      await db.updateTable('users').set({ role: 'admin' }).where('id', '=', 4).execute();
      expect(await fts('tali')).toEqual([4]);

      const repo = new SqlUserRepository(db);
      const page = await repo.list({ limit: 10, offset: 0, sort: [], withTotal: true, where: { op: 'contains', field: 'name', value: 'ALI' } });
      expect(page.items.map((u) => u.name)).toEqual(['Natalia']);
      expect(page.total).toBe(1);
      expect((await repo.list({ limit: 1, offset: 0, sort: [], withTotal: true })).total).toBe(3);
    } finally {
      await db.destroy();
    }
  });
});
