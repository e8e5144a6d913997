import { Migrator, sql, type ColumnDefinitionBuilder, type Kysely, type Migration, type MigrationProvider } from 'kysely';
import { isPostgres } from './database.js';

/**
 * Schema changes in code, applied in order at start. Written with Kysely's
 * schema builder so the same steps run on SQLite and PostgreSQL; where the
 * two differ (generated ids) a step asks the dialect, so there is one set.
 */
const MIGRATIONS: Record<string, Migration> = {
  '0001_initial': {
    async up(db: Kysely<any>) {
      await db.schema
        .createTable('users')
        .addColumn('id', 'integer', generatedId(db))
        .addColumn('name', 'varchar(100)', (c) => c.notNull())
        .addColumn('email', 'varchar(254)', (c) => c.notNull().unique())
        .addColumn('role', 'varchar(10)', (c) => c.notNull().check(sqlRoleCheck()))
        .addColumn('password_hash', 'varchar(200)')
        .addColumn('created_at', 'varchar(30)', (c) => c.notNull())
        .addColumn('updated_at', 'varchar(30)', (c) => c.notNull())
        .addColumn('version', 'integer', (c) => c.notNull().defaultTo(1))
        .execute();
      await db.schema
        .createTable('products')
        .addColumn('id', 'integer', generatedId(db))
        .addColumn('name', 'varchar(100)', (c) => c.notNull())
        .addColumn('price_cents', 'bigint', (c) => c.notNull())
        .execute();
      await db.schema
        .createTable('orders')
        .addColumn('id', 'integer', generatedId(db))
        .addColumn('user_id', 'integer', (c) => c.notNull().references('users.id').onDelete('cascade'))
        .addColumn('created_at', 'varchar(30)', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('orders_user_id').on('orders').column('user_id').execute();
      await db.schema
        .createTable('order_items')
        .addColumn('id', 'integer', generatedId(db))
        .addColumn('order_id', 'integer', (c) => c.notNull().references('orders.id').onDelete('cascade'))
        .addColumn('product_id', 'integer', (c) => c.notNull().references('products.id'))
        .addColumn('quantity', 'integer', (c) => c.notNull())
        .addColumn('unit_price_cents', 'bigint', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('order_items_order_id').on('order_items').column('order_id').execute();
      await db.schema.createIndex('order_items_product_id').on('order_items').column('product_id').execute();
      await db.schema
        .createTable('settings')
        .addColumn('key', 'varchar(100)', (c) => c.primaryKey())
        .addColumn('value', 'text', (c) => c.notNull())
        .execute();
    },
  },
  '0002_credentials_version': {
    // Tokens carry this value; bumping it on a role or password change revokes them (see AuthService.authenticate).
    async up(db: Kysely<any>) {
      await db.schema
        .alterTable('users')
        .addColumn('credentials_version', 'integer', (c) => c.notNull().defaultTo(1))
        .execute();
    },
  },
  '0003_events': {
    // The transactional outbox: written in the same transaction as the change it describes (infra/storage/unit-of-work.ts).
    // AUTOINCREMENT so an id is never reused, even after pruning deletes the newest rows: ids are the subscribers' cursors.
    async up(db: Kysely<any>) {
      await db.schema
        .createTable('events')
        .addColumn('id', isPostgres(db) ? 'bigint' : 'integer', generatedId(db))
        .addColumn('type', 'varchar(40)', (c) => c.notNull())
        .addColumn('occurred_at', 'varchar(30)', (c) => c.notNull())
        .addColumn('owner_id', 'integer')
        .addColumn('data', 'text', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('events_occurred_at').on('events').column('occurred_at').execute();
    },
  },
  '0004_jobs': {
    // Asynchronous jobs (exports): stored so they survive a restart. A user's jobs go with the user.
    async up(db: Kysely<any>) {
      await db.schema
        .createTable('jobs')
        .addColumn('id', 'varchar(36)', (c) => c.primaryKey())
        .addColumn('owner_subject', 'varchar(100)', (c) => c.notNull())
        .addColumn('owner_user_id', 'integer', (c) => c.references('users.id').onDelete('cascade'))
        .addColumn('kind', 'varchar(20)', (c) => c.notNull())
        .addColumn('input', 'text', (c) => c.notNull())
        .addColumn('status', 'varchar(10)', (c) => c.notNull().check(sql`status in ('queued', 'running', 'succeeded', 'failed')`))
        .addColumn('done', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('total', 'integer')
        .addColumn('result', 'text')
        .addColumn('error', 'text')
        .addColumn('created_at', 'varchar(30)', (c) => c.notNull())
        .addColumn('updated_at', 'varchar(30)', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('jobs_status').on('jobs').columns(['status', 'created_at']).execute();
      await db.schema.createIndex('jobs_owner').on('jobs').columns(['owner_subject', 'status']).execute();
    },
  },
};

/**
 * A generated primary key: an identity column on PostgreSQL (SQL:2003,
 * its own sequence; BY DEFAULT so an explicit id, as a restore writes,
 * is still accepted), AUTOINCREMENT on SQLite, which never reuses an id
 * even after the newest rows are deleted (the outbox relies on that, and
 * a sequence gives PostgreSQL the same).
 */
const generatedId = (db: Kysely<any>) => (c: ColumnDefinitionBuilder) =>
  isPostgres(db) ? c.primaryKey().generatedByDefaultAsIdentity() : c.primaryKey().autoIncrement();

// Raw SQL because the schema builder has no enum type common to both dialects.
const sqlRoleCheck = () => sql`role in ('admin', 'user')`;

/** Every migration, in the order they apply. */
export const MIGRATION_NAMES: readonly string[] = Object.keys(MIGRATIONS).sort();

const provider: MigrationProvider = { getMigrations: async () => MIGRATIONS };

/** Any constant shared by every polyface instance: the key of the session advisory lock around migrations. */
const MIGRATION_LOCK = 0x706f6c79; // "poly"

/**
 * Applies every pending migration in order; returns the names it applied
 * (none when up to date). On PostgreSQL several instances may start at
 * once: the whole migrator (including the creation of its own bookkeeping
 * tables, which Kysely does before taking its transaction lock) runs under
 * a session-level pg_advisory_lock on one connection, so the second
 * instance waits and then finds nothing to do.
 */
export async function migrate(db: Kysely<any>): Promise<string[]> {
  if (!isPostgres(db)) return runMigrator(db);
  return db.connection().execute(async (conn) => {
    await sql`select pg_advisory_lock(${sql.lit(MIGRATION_LOCK)})`.execute(conn);
    try {
      return await runMigrator(conn);
    } finally {
      await sql`select pg_advisory_unlock(${sql.lit(MIGRATION_LOCK)})`.execute(conn);
    }
  });
}

async function runMigrator(db: Kysely<any>): Promise<string[]> {
  // Kysely looks for its bookkeeping table in every schema when none is named, so on PostgreSQL another schema's
  // kysely_migration (another application, another polyface) would pass for ours: name the schema we work in.
  const schema = isPostgres(db) ? (await sql<{ s: string | null }>`select current_schema() as s`.execute(db)).rows[0]?.s : undefined;
  const { error, results } = await new Migrator({ db, provider, ...(schema && { migrationTableSchema: schema }) }).migrateToLatest();
  if (error) {
    const failed = results?.find((r) => r.status === 'Error');
    throw new Error(`migration ${failed?.migrationName ?? '?'} failed`, { cause: error });
  }
  return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
}
