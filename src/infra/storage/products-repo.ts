import { sql, type Kysely, type Selectable } from 'kysely';
import type { ProductFilter, ProductRecord, ProductRepository, Slice, WriteResult } from '../../domain/ports.js';
import { inTransaction, isForeignKeyViolation, recoverable } from './database.js';
import { filterSql } from './filter-sql.js';
import type { Database, ProductsTable } from './schema.js';

const SORT_COLUMNS = { id: 'id', name: 'name', price: 'price_cents' } as const;

const toRecord = (r: Selectable<ProductsTable>): ProductRecord => ({ id: r.id, name: r.name, priceCents: Number(r.price_cents) });

export class SqlProductRepository implements ProductRepository {
  constructor(private readonly db: Kysely<Database>) {}

  async findById(id: number): Promise<ProductRecord | undefined> {
    const row = await this.db.selectFrom('products').selectAll().where('id', '=', id).executeTakeFirst();
    return row && toRecord(row);
  }

  async findByIds(ids: readonly number[]): Promise<ProductRecord[]> {
    if (ids.length === 0) return [];
    const rows = await this.db.selectFrom('products').selectAll().where('id', 'in', [...ids]).execute();
    return rows.map(toRecord);
  }

  async list(f: ProductFilter): Promise<Slice<ProductRecord>> {
    let q = this.db.selectFrom('products');
    if (f.where) q = q.where(filterSql(f.where, SORT_COLUMNS));
    let page = q.selectAll();
    for (const key of f.sort) page = page.orderBy(SORT_COLUMNS[key.field as keyof typeof SORT_COLUMNS] ?? 'id', key.descending ? 'desc' : 'asc');
    if (!f.sort.some((k) => k.field === 'id')) page = page.orderBy('id', 'asc');
    const [rows, count] = await Promise.all([
      page.limit(f.limit).offset(f.offset).execute(),
      q.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow(),
    ]);
    return { items: rows.map(toRecord), total: Number(count.n) };
  }

  async insert(p: Omit<ProductRecord, 'id'>): Promise<ProductRecord> {
    const row = await this.db.insertInto('products').values({ name: p.name, price_cents: p.priceCents }).returningAll().executeTakeFirstOrThrow();
    return toRecord(row);
  }

  async update(p: ProductRecord): Promise<WriteResult<ProductRecord>> {
    const row = await this.db
      .updateTable('products')
      .set({ name: p.name, price_cents: p.priceCents })
      .where('id', '=', p.id)
      .returningAll()
      .executeTakeFirst();
    return row ? { ok: true, value: toRecord(row) } : { ok: false, reason: 'missing' };
  }

  delete(id: number): Promise<WriteResult<true>> {
    return inTransaction(this.db, async (tx) => {
      const used = await tx.selectFrom('order_items').select('id').where('product_id', '=', id).limit(1).executeTakeFirst();
      if (used) return { ok: false, reason: 'conflict' } as const;
      try {
        const res = await recoverable(tx, () => tx.deleteFrom('products').where('id', '=', id).executeTakeFirst());
        return res.numDeletedRows > 0n ? ({ ok: true, value: true } as const) : ({ ok: false, reason: 'missing' } as const);
      } catch (err) {
        // An order for it committed after the check (PostgreSQL runs writers concurrently): the foreign key refuses.
        if (isForeignKeyViolation(err)) return { ok: false, reason: 'conflict' } as const;
        throw err;
      }
    });
  }
}
