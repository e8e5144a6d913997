import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { migrate, MIGRATION_NAMES } from '../../src/infra/storage/migrations.js';
import { openTestDatabase } from '../support/storage.js';

describe('migrations', () => {
  it('keep the names already shipped, in order: the outbox is 0003_events, the jobs table comes after it', () => {
    expect(MIGRATION_NAMES).toEqual(['0001_initial', '0002_credentials_version', '0003_events', '0004_jobs']);
  });

  it('a database migrated by the release before jobs (through 0003_events) gains only the jobs table, its events kept', async () => {
    const db = await openTestDatabase();
    try {
      // Back to what that release left: no jobs table, 0004_jobs not recorded; one event in the outbox.
      await db.schema.dropTable('jobs').execute();
      await sql`delete from kysely_migration where name = '0004_jobs'`.execute(db);
      await db.insertInto('events').values({ type: 'product.created', occurred_at: '2026-01-15T09:00:00.000Z', owner_id: null, data: '{"id":1}' }).execute();

      expect(await migrate(db)).toEqual(['0004_jobs']);
      expect(await db.selectFrom('jobs').select('id').execute()).toEqual([]);
      expect(await db.selectFrom('events').select(['id', 'type']).execute()).toEqual([{ id: 1, type: 'product.created' }]);
      expect(await migrate(db)).toEqual([]);
    } finally {
      await db.destroy();
    }
  });
});
