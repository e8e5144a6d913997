import type { Kysely } from 'kysely';
import type { OrderItemRecord, OrderRecord, OrderRepository, Slice } from '../../domain/ports.js';
import { inTransaction } from './database.js';
import type { Database } from './schema.js';

type OrderRow = { id: number; user_id: number; created_at: string };

export class SqlOrderRepository implements OrderRepository {
  constructor(private readonly db: Kysely<Database>) {}

  async findById(id: number): Promise<OrderRecord | undefined> {
    const row = await this.db.selectFrom('orders').selectAll().where('id', '=', id).executeTakeFirst();
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

  async listByUsers(userIds: readonly number[]): Promise<Map<number, OrderRecord[]>> {
    const result = new Map<number, OrderRecord[]>();
    if (userIds.length === 0) return result;
    const rows = await this.db
      .selectFrom('orders')
      .selectAll()
      .where('user_id', 'in', [...userIds])
      .orderBy('created_at', 'desc')
      .orderBy('id', 'desc')
      .execute();
    for (const order of await this.withItems(rows)) {
      const list = result.get(order.userId) ?? [];
      list.push(order);
      result.set(order.userId, list);
    }
    return result;
  }

  insert(order: Omit<OrderRecord, 'id' | 'createdAt'>): Promise<OrderRecord> {
    return inTransaction(this.db, async (tx) => {
      const createdAt = new Date().toISOString();
      const row = await tx.insertInto('orders').values({ user_id: order.userId, created_at: createdAt }).returning('id').executeTakeFirstOrThrow();
      await tx
        .insertInto('order_items')
        .values(order.items.map((i) => ({ order_id: row.id, product_id: i.productId, quantity: i.quantity, unit_price_cents: i.unitPriceCents })))
        .execute();
      return { id: row.id, userId: order.userId, createdAt, items: order.items.map((i) => ({ ...i })) };
    });
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
