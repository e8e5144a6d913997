import { sql, type Kysely, type Selectable, type SqlBool } from 'kysely';
import type { Filter } from '../../domain/query/filter.js';
import type { ListPage, NewUser, UserChanges, UserFilter, UserRecord, UserRepository, WriteResult } from '../../domain/ports.js';
import { dialectOf, inTransaction, isPostgres, isUniqueViolation, recoverable } from './database.js';
import type { SearchIndex } from './filter-sql.js';
import { listPage } from './keyset.js';
import { Prepared } from './prepared.js';
import type { Database, UsersTable } from './schema.js';

const SORT_COLUMNS = {
  id: 'id',
  name: 'name',
  email: 'email',
  role: 'role',
  createdAt: 'created_at',
  updatedAt: 'updated_at',
} as const;

/** Public field names (the domain's filter catalogue) → columns. */
const FILTER_COLUMNS = { ...SORT_COLUMNS } as const;

const toRecord = (r: Selectable<UsersTable>): UserRecord => ({
  id: r.id,
  name: r.name,
  email: r.email,
  role: r.role,
  passwordHash: r.password_hash,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
  version: r.version,
  credentialsVersion: r.credentials_version,
});

/**
 * `contains(name, …)` through the FTS5 trigram index (migrations.ts 0005)
 * on SQLite. The needle is an FTS5 phrase: its trigrams, consecutive — a
 * substring, case folded — answered from the index alone (a trigram LIKE
 * on the FTS table would read every candidate's text back from `users`).
 * A trigram needs three characters, so shorter needles fall back to the
 * plain LIKE scan. FTS5 folds case over all of Unicode and SQLite's lower()
 * only over ASCII, so the index finds a superset and the LIKE kept beside
 * it (filter-sql.ts) makes the result exactly what it always was.
 * PostgreSQL needs none of this: its pg_trgm index serves the LIKE itself.
 */
const phrase = (needle: string) => `"${needle.replace(/"/g, '""')}"`;
const indexable = (needle: string) => [...needle].length >= 3;

/**
 * Above this many matching rows a needle is common, and a page of it is
 * found sooner by walking the table in page order and testing each name
 * (a 0.2% density finds ten rows within ~5,000) than by gathering every
 * match from the index first. A bounded read of the index tells which; for
 * a selective needle the ids it read are the candidates (one pass over the
 * index, handed to the page query as a JSON array).
 */
export const SELECTIVE_MATCHES = 2000;

/** The lower-cased needles of every `contains` on `field` in a filter. */
function needles(f: Filter, field: string): string[] {
  if ('args' in f) return f.args.flatMap((a) => needles(a, field));
  if ('arg' in f) return needles(f.arg, field);
  return f.op === 'contains' && f.field === field ? [f.value.toLowerCase()] : [];
}

export class SqlUserRepository implements UserRepository {
  private readonly fts: boolean;

  private readonly byId: Prepared<Selectable<UsersTable>>;

  constructor(private readonly db: Kysely<Database>) {
    this.fts = dialectOf(db) === 'sqlite';
    this.byId = new Prepared(db, () => db.selectFrom('users').selectAll().where('id', '=', 0));
  }

  async findById(id: number): Promise<UserRecord | undefined> {
    const row = await this.byId.first(id);
    return row && toRecord(row);
  }

  async findByEmail(email: string): Promise<UserRecord | undefined> {
    const row = await this.db.selectFrom('users').selectAll().where('email', '=', email).executeTakeFirst();
    return row && toRecord(row);
  }

  async list(f: UserFilter): Promise<ListPage<UserRecord>> {
    const page = await listPage<Selectable<UsersTable>>(this.db, { table: 'users', columns: FILTER_COLUMNS, search: await this.search(f.where) }, f);
    return { ...page, items: page.items.map(toRecord) };
  }

  /** Which name needles go through the FTS index, and their candidate ids: the selective ones (see SELECTIVE_MATCHES). */
  private async search(where: Filter | undefined): Promise<Record<string, SearchIndex>> {
    if (!this.fts || !where) return {};
    const candidates = new Map<string, string>();
    for (const needle of new Set(needles(where, 'name'))) {
      if (!indexable(needle)) continue;
      // One row back: the ids as a JSON array built by SQLite, not thousands of rows built in JavaScript.
      const probe = sql<{ n: number; ids: string }>`select count(*) as n, json_group_array(rowid) as ids
        from (select rowid from users_name_fts where users_name_fts match ${phrase(needle)} limit ${sql.lit(SELECTIVE_MATCHES)})`;
      const { n, ids } = (await probe.execute(this.db)).rows[0]!;
      if (Number(n) < SELECTIVE_MATCHES) candidates.set(needle, ids);
    }
    return {
      name: (needle) => {
        const ids = candidates.get(needle);
        return ids === undefined ? undefined : sql<SqlBool>`id in (select value from json_each(${ids}))`;
      },
    };
  }

  async insert(user: NewUser): Promise<WriteResult<UserRecord>> {
    const now = new Date().toISOString();
    try {
      const row = await recoverable(this.db, () =>
        this.db
          .insertInto('users')
          .values({ name: user.name, email: user.email, role: user.role, password_hash: user.passwordHash, created_at: now, updated_at: now, version: 1 })
          .returningAll()
          .executeTakeFirstOrThrow(),
      );
      return { ok: true, value: toRecord(row) };
    } catch (err) {
      if (isUniqueViolation(err)) return { ok: false, reason: 'conflict' };
      throw err;
    }
  }

  async update(id: number, c: UserChanges, expectedVersion?: number): Promise<WriteResult<UserRecord>> {
    try {
      // The version test sits in the WHERE clause, so a concurrent writer cannot slip in between check and write.
      let q = this.db
        .updateTable('users')
        .set((eb) => ({
          ...(c.name !== undefined && { name: c.name }),
          ...(c.email !== undefined && { email: c.email }),
          ...(c.role !== undefined && { role: c.role }),
          ...(c.passwordHash !== undefined && { password_hash: c.passwordHash }),
          updated_at: new Date().toISOString(),
          version: eb('version', '+', 1),
          // A new password always revokes; a role revokes only when it really changes.
          ...(c.passwordHash !== undefined
            ? { credentials_version: eb('credentials_version', '+', 1) }
            : c.role !== undefined && { credentials_version: sql<number>`credentials_version + (case when role <> ${c.role} then 1 else 0 end)` }),
        }))
        .where('id', '=', id);
      if (expectedVersion !== undefined) q = q.where('version', '=', expectedVersion);
      const row = await recoverable(this.db, () => q.returningAll().executeTakeFirst());
      if (row) return { ok: true, value: toRecord(row) };
      return { ok: false, reason: (await this.findById(id)) ? 'stale' : 'missing' };
    } catch (err) {
      if (isUniqueViolation(err)) return { ok: false, reason: 'conflict' };
      throw err;
    }
  }

  delete(id: number, expectedVersion?: number): Promise<WriteResult<true>> {
    return inTransaction(this.db, async (tx) => {
      // On PostgreSQL the row is locked first (FOR UPDATE), so a concurrent versioned update cannot land between this
      // version check and the delete; SQLite's single writer already excludes it (and has no FOR UPDATE).
      const row = await tx
        .selectFrom('users')
        .select('version')
        .where('id', '=', id)
        .$if(isPostgres(tx), (q) => q.forUpdate())
        .executeTakeFirst();
      if (!row) return { ok: false, reason: 'missing' } as const;
      if (expectedVersion !== undefined && row.version !== expectedVersion) return { ok: false, reason: 'stale' } as const;
      const orders = tx.selectFrom('orders').select('id').where('user_id', '=', id);
      await tx.deleteFrom('order_items').where('order_id', 'in', orders).execute();
      await tx.deleteFrom('orders').where('user_id', '=', id).execute();
      await tx.deleteFrom('users').where('id', '=', id).execute();
      return { ok: true, value: true } as const;
    });
  }
}
