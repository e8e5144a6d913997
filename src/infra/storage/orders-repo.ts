import { sql, type Kysely } from 'kysely';
import type { OrderItemRecord, OrderRecord, OrderRepository, OrderStatsFilter, OrderStatsRecord, OrderTotalsRecord, Slice } from '../../domain/ports.js';
import { notFound } from '../../domain/errors.js';
import { inTransaction, isForeignKeyViolation } from './database.js';
import { Prepared } from './prepared.js';
import type { Database } from './schema.js';

type OrderRow = { id: number; user_id: number; created_at: string };

export class SqlOrderRepository implements OrderRepository {
  private readonly byId: Prepared<OrderRow>;

  constructor(private readonly db: Kysely<Database>) {
    this.byId = new Prepared(db, () => db.selectFrom('orders').selectAll().where('id', '=', 0));
  }

  async findById(id: number): Promise<OrderRecord | undefined> {
    const row = await this.byId.first(id);
    if (!row) return undefined;
    return (await this.withItems([row]))[0];
  }

  async listByUser(userId: number, limit: number, offset: number): Promise<Slice<OrderRecord>> {
    const q = this.db.selectFrom('orders').where('user_id', '=', userId);
    const [rows, count] = await Promise.all([
      q.selectAll().orderBy('created_at', 'desc').orderBy('id', 'desc').limit(limit).offset(offset).execute(),
      q.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow(),
    ]);
    return { items: await this.withItems(rows), total: Number(count.n) };
  }

  /**
   * With a page, each user's window comes from one query: ROW_NUMBER() over
   * each user's orders (newest first) picks ranks offset+1 … offset+limit,
   * so ten users with ten thousand orders each still read at most
   * 10 × limit rows. Window functions are standard SQL (SQLite ≥ 3.25,
   * PostgreSQL), written through Kysely's `over()` so no dialect is assumed.
   */
  async listByUsers(userIds: readonly number[], page?: { limit: number; offset: number }): Promise<Map<number, OrderRecord[]>> {
    const result = new Map<number, OrderRecord[]>();
    if (userIds.length === 0) return result;
    const mine = this.db.selectFrom('orders').where('user_id', 'in', [...userIds]);
    const rows = page
      ? await this.db
          .selectFrom(
            mine
              .select(['id', 'user_id', 'created_at'])
              .select((eb) => eb.fn.agg<number>('row_number').over((ob) => ob.partitionBy('user_id').orderBy('created_at', 'desc').orderBy('id', 'desc')).as('rank'))
              .as('ranked'),
          )
          .select(['id', 'user_id', 'created_at'])
          .where('rank', '>', page.offset)
          .where('rank', '<=', page.offset + page.limit)
          .orderBy('created_at', 'desc')
          .orderBy('id', 'desc')
          .execute()
      : await mine.selectAll().orderBy('created_at', 'desc').orderBy('id', 'desc').execute();
    for (const order of await this.withItems(rows)) {
      const list = result.get(order.userId) ?? [];
      list.push(order);
      result.set(order.userId, list);
    }
    return result;
  }

  /**
   * The caller checked the user and products in its transaction; on
   * PostgreSQL another transaction may still delete one before this commits
   * (SQLite's single writer cannot). The foreign keys then refuse the insert
   * — a conditional write without locking the rows read — and that refusal
   * is the NOT_FOUND the check would have given.
   */
  insert(order: Omit<OrderRecord, 'id' | 'createdAt'>): Promise<OrderRecord> {
    return inTransaction(this.db, async (tx) => {
      const createdAt = new Date().toISOString();
      try {
        const row = await tx.insertInto('orders').values({ user_id: order.userId, created_at: createdAt }).returning('id').executeTakeFirstOrThrow();
        await tx
          .insertInto('order_items')
          .values(order.items.map((i) => ({ order_id: row.id, product_id: i.productId, quantity: i.quantity, unit_price_cents: i.unitPriceCents })))
          .execute();
        return { id: row.id, userId: order.userId, createdAt, items: order.items.map((i) => ({ ...i })) };
      } catch (err) {
        if (!isForeignKeyViolation(err)) throw err;
        const table = (err as { table?: string }).table;
        throw table === 'orders' ? notFound('User', order.userId) : notFound('Product', order.items.map((i) => i.productId).join(', '));
      }
    });
  }

  /**
   * Three grouped queries (totals, best-selling products, days) over order
   * lines joined to their orders; money is summed as integer cents. The
   * day is the first ten characters of the ISO timestamp (UTC), which
   * `substr` gives in SQLite and PostgreSQL alike.
   */
  async stats(f: OrderStatsFilter): Promise<OrderStatsRecord> {
    let lines = this.db.selectFrom('order_items as i').innerJoin('orders as o', 'o.id', 'i.order_id');
    if (f.userId !== undefined) lines = lines.where('o.user_id', '=', f.userId);
    if (f.from !== undefined) lines = lines.where('o.created_at', '>=', f.from);
    if (f.until !== undefined) lines = lines.where('o.created_at', '<', f.until);
    const orders = sql<number>`count(distinct o.id)`.as('orders');
    const units = sql<number>`coalesce(sum(i.quantity), 0)`.as('units');
    const sum = sql<number>`coalesce(sum(i.quantity * i.unit_price_cents), 0)`;
    // As text, so the driver never rounds it to a double (sums pass 2^53 cents); sorted by the number, not the text.
    const revenue = sql<string>`cast(${sum} as text)`.as('revenue');
    const day = sql<string>`substr(o.created_at, 1, 10)`;
    const [all, products, days] = await Promise.all([
      lines.select([orders, units, revenue]).executeTakeFirstOrThrow(),
      lines
        .innerJoin('products as p', 'p.id', 'i.product_id')
        .select(['i.product_id as productId', 'p.name as name', orders, units, revenue])
        .groupBy(['i.product_id', 'p.name'])
        .orderBy(sum, 'desc')
        .orderBy('i.product_id')
        .limit(f.topProducts)
        .execute(),
      f.byDay ? lines.select([day.as('date'), orders, units, revenue]).groupBy(day).orderBy(day).execute() : Promise.resolve([]),
    ]);
    return {
      ...totals(all),
      products: products.map((p) => ({ productId: p.productId, name: p.name, ...totals(p) })),
      days: days.map((d) => ({ date: d.date, ...totals(d) })),
    };
  }

  /** One query for the items of any number of orders. */
  private async withItems(rows: OrderRow[]): Promise<OrderRecord[]> {
    if (rows.length === 0) return [];
    const items = await this.db
      .selectFrom('order_items')
      .select(['order_id', 'product_id', 'quantity', 'unit_price_cents'])
      .where('order_id', 'in', rows.map((r) => r.id))
      .orderBy('id')
      .execute();
    const byOrder = new Map<number, OrderItemRecord[]>();
    for (const i of items) {
      const list = byOrder.get(i.order_id) ?? [];
      list.push({ productId: i.product_id, quantity: i.quantity, unitPriceCents: Number(i.unit_price_cents) });
      byOrder.set(i.order_id, list);
    }
    return rows.map((r) => ({ id: r.id, userId: r.user_id, createdAt: r.created_at, items: byOrder.get(r.id) ?? [] }));
  }
}

/** Counts arrive as strings from PostgreSQL (bigint) and as numbers from SQLite; revenue as text from both. */
const totals = (r: { orders: number | string; units: number | string; revenue: number | string }): OrderTotalsRecord => ({
  orders: Number(r.orders),
  units: Number(r.units),
  revenueCents: BigInt(r.revenue),
});
