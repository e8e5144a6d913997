import { sql, type Kysely, type Selectable } from 'kysely';
import type { ListPage, ProductFilter, ProductRecord, ProductRepository, WriteResult } from '../../domain/ports.js';
import { inTransaction, isForeignKeyViolation, recoverable } from './database.js';
import { listPage } from './keyset.js';
import { Prepared } from './prepared.js';
import type { Database, ProductsTable } from './schema.js';

const SORT_COLUMNS = { id: 'id', name: 'name', price: 'price_cents' } as const;

const toRecord = (r: Selectable<ProductsTable>): ProductRecord => ({ id: r.id, name: r.name, priceCents: Number(r.price_cents) });

export class SqlProductRepository implements ProductRepository {
  private readonly byId: Prepared<Selectable<ProductsTable>>;

  constructor(private readonly db: Kysely<Database>) {
    this.byId = new Prepared(db, () => db.selectFrom('products').selectAll().where('id', '=', 0));
  }

  async findById(id: number): Promise<ProductRecord | undefined> {
    const row = await this.byId.first(id);
    return row && toRecord(row);
  }

  async findByIds(ids: readonly number[]): Promise<ProductRecord[]> {
    if (ids.length === 0) return [];
    const rows = await this.db.selectFrom('products').selectAll().where('id', 'in', [...ids]).execute();
    return rows.map(toRecord);
  }

  async list(f: ProductFilter): Promise<ListPage<ProductRecord>> {
    const page = await listPage<Selectable<ProductsTable>>(this.db, { table: 'products', columns: SORT_COLUMNS }, f);
    return { ...page, items: page.items.map(toRecord) };
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
