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
  '0005_list_indexes': {
    // A million rows (issue 18): what keeps a list's cost flat however large the table.
    async up(db: Kysely<any>) {
      // Keyset paging (domain/query/cursor.ts) seeks on (sort key, id); the id alone is the primary key.
      await db.schema.createIndex('users_name_id').on('users').columns(['name', 'id']).execute();
      await db.schema.createIndex('users_created_at_id').on('users').columns(['created_at', 'id']).execute();
      await db.schema.createIndex('products_name_id').on('products').columns(['name', 'id']).execute();
      await db.schema.createIndex('products_price_id').on('products').columns(['price_cents', 'id']).execute();

      // Unfiltered totals from a count the writes keep, instead of counting every row for every page.
      await db.schema
        .createTable('row_counts')
        .addColumn('name', 'varchar(40)', (c) => c.primaryKey())
        .addColumn('n', 'bigint', (c) => c.notNull())
        .execute();
      for (const table of COUNTED) await sql`insert into row_counts (name, n) select ${sql.lit(table)}, count(*) from ${sql.table(table)}`.execute(db);

      if (isPostgres(db)) {
        await sql`create or replace function polyface_row_count() returns trigger language plpgsql as $$
          begin
            update row_counts set n = n + (case when tg_op = 'INSERT' then 1 else -1 end) where name = tg_table_name;
            return null;
          end $$`.execute(db);
        for (const table of COUNTED) {
          await sql`create trigger ${sql.id(`${table}_count`)} after insert or delete on ${sql.table(table)} for each row execute function polyface_row_count()`.execute(db);
        }
        // Substring search: pg_trgm's GIN index serves `lower(name) like '%…%'` (filter-sql.ts) as it is written.
        // An extension belongs to one schema per database: where an earlier install put it (or the first schema
        // on this connection's search_path), which need not be on ours, so its operator class is named in full.
        await sql`create extension if not exists pg_trgm`.execute(db);
        const { rows } = await sql<{ schema: string }>`select n.nspname as schema from pg_extension e join pg_namespace n on n.oid = e.extnamespace where e.extname = 'pg_trgm'`.execute(db);
        await sql`create index users_name_trgm on users using gin (lower(name) ${sql.id(rows[0]!.schema, 'gin_trgm_ops')})`.execute(db);
        return;
      }
      for (const table of COUNTED) {
        await sql`create trigger ${sql.id(`${table}_count_insert`)} after insert on ${sql.table(table)}
          begin update row_counts set n = n + 1 where name = ${sql.lit(table)}; end`.execute(db);
        await sql`create trigger ${sql.id(`${table}_count_delete`)} after delete on ${sql.table(table)}
          begin update row_counts set n = n - 1 where name = ${sql.lit(table)}; end`.execute(db);
      }
      // Substring search: an external-content FTS5 table over users.name with the trigram tokenizer
      // (SQLite ≥ 3.34, https://sqlite.org/fts5.html#the_trigram_tokenizer), kept in step by triggers
      // (https://sqlite.org/fts5.html#external_content_tables). It answers `name LIKE '%abc%'` from an index
      // for needles of three or more characters; users-repo.ts uses it to narrow the rows the LIKE then checks.
      await sql`create virtual table users_name_fts using fts5(name, content='users', content_rowid='id', tokenize='trigram')`.execute(db);
      await sql`create trigger users_name_fts_insert after insert on users
        begin insert into users_name_fts (rowid, name) values (new.id, new.name); end`.execute(db);
      await sql`create trigger users_name_fts_delete after delete on users
        begin insert into users_name_fts (users_name_fts, rowid, name) values ('delete', old.id, old.name); end`.execute(db);
      await sql`create trigger users_name_fts_update after update of name on users
        begin
          insert into users_name_fts (users_name_fts, rowid, name) values ('delete', old.id, old.name);
          insert into users_name_fts (rowid, name) values (new.id, new.name);
        end`.execute(db);
      await sql`insert into users_name_fts (users_name_fts) values ('rebuild')`.execute(db);
    },
  },
};

/** Tables whose unfiltered totals come from row_counts. */
export const COUNTED = ['users', 'products'] as const;

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
 * Applies every pending migration in order (up to `target`, for tests of
 * upgrades); returns the names it applied (none when up to date). On PostgreSQL several instances may start at
 * once: the whole migrator (including the creation of its own bookkeeping
 * tables, which Kysely does before taking its transaction lock) runs under
 * a session-level pg_advisory_lock on one connection, so the second
 * instance waits and then finds nothing to do.
 */
export async function migrate(db: Kysely<any>, target?: string): Promise<string[]> {
  if (!isPostgres(db)) return runMigrator(db, target);
  return db.connection().execute(async (conn) => {
    await sql`select pg_advisory_lock(${sql.lit(MIGRATION_LOCK)})`.execute(conn);
    try {
      return await runMigrator(conn, target);
    } finally {
      await sql`select pg_advisory_unlock(${sql.lit(MIGRATION_LOCK)})`.execute(conn);
    }
  });
}

async function runMigrator(db: Kysely<any>, target?: string): Promise<string[]> {
  // Kysely looks for its bookkeeping table in every schema when none is named, so on PostgreSQL another schema's
  // kysely_migration (another application, another polyface) would pass for ours: name the schema we work in.
  const schema = isPostgres(db) ? (await sql<{ s: string | null }>`select current_schema() as s`.execute(db)).rows[0]?.s : undefined;
  // Names sort by code point: they are numbered ASCII ('0001_initial'…), where that order is localeCompare's, and
  // Kysely's default comparator (localeCompare) builds an ICU collator on its first call — ~5 ms of every start.
  const nameComparator = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
  const migrator = new Migrator({ db, provider, nameComparator, ...(schema && { migrationTableSchema: schema }) });
  const { error, results } = await (target ? migrator.migrateTo(target) : migrator.migrateToLatest());
  if (error) {
    const failed = results?.find((r) => r.status === 'Error');
    throw new Error(`migration ${failed?.migrationName ?? '?'} failed`, { cause: error });
  }
  return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
}
