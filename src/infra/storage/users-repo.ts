import { sql, type Kysely, type Selectable } from 'kysely';
import type { NewUser, Slice, UserChanges, UserFilter, UserRecord, UserRepository, WriteResult } from '../../domain/ports.js';
import { inTransaction, isPostgres, isUniqueViolation, recoverable } from './database.js';
import { filterSql } from './filter-sql.js';
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

export class SqlUserRepository implements UserRepository {
  constructor(private readonly db: Kysely<Database>) {}

  async findById(id: number): Promise<UserRecord | undefined> {
    const row = await this.db.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirst();
    return row && toRecord(row);
  }

  async findByEmail(email: string): Promise<UserRecord | undefined> {
    const row = await this.db.selectFrom('users').selectAll().where('email', '=', email).executeTakeFirst();
    return row && toRecord(row);
  }

  async list(f: UserFilter): Promise<Slice<UserRecord>> {
    let q = this.db.selectFrom('users');
    if (f.where) q = q.where(filterSql(f.where, FILTER_COLUMNS));
    let page = q.selectAll();
    for (const key of f.sort) page = page.orderBy(SORT_COLUMNS[key.field as keyof typeof SORT_COLUMNS] ?? 'id', key.descending ? 'desc' : 'asc');
    if (!f.sort.some((k) => k.field === 'id')) page = page.orderBy('id', 'asc');
    const [rows, count] = await Promise.all([
      page.limit(f.limit).offset(f.offset).execute(),
      q.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow(),
    ]);
    return { items: rows.map(toRecord), total: Number(count.n) };
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
