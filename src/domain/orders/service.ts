import { requireCaller, requireSelfOrAdmin } from '../access.js';
import type { DomainContext } from '../context.js';
import { DomainError, notFound } from '../errors.js';
import { msg } from '../i18n/index.js';
import { formatMoney, sumCents } from '../money.js';
import type { OrderRecord, OrderRepository, UnitOfWork, UserRepository } from '../ports.js';
import { byIdIn, type Page } from '../shapes.js';
import { validate } from '../validate.js';
import { createOrderIn, listUserOrdersIn, type ListUserOrdersInput, type Order } from './schemas.js';
import { orderStats, type OrderStats } from './stats.js';

/** Totals are BigInt sums of integer cents (money.ts): exact, whatever the number of lines and their size. */
export function toOrder(r: OrderRecord): Order {
  const items = r.items.map((i) => ({
    productId: i.productId,
    quantity: i.quantity,
    unitPrice: formatMoney(i.unitPriceCents),
    lineTotal: formatMoney(sumCents([i])),
  }));
  return { id: r.id, userId: r.userId, createdAt: r.createdAt, items, totalAmount: formatMoney(sumCents(r.items)) };
}

export class OrderService {
  constructor(
    private readonly orders: OrderRepository,
    private readonly users: UserRepository,
    /** Writes run here: the change and its event commit together or not at all. */
    private readonly uow: UnitOfWork,
  ) {}

  async get(ctx: DomainContext, input: unknown): Promise<Order> {
    const p = requireCaller(ctx.caller);
    const { id } = validate(byIdIn, input);
    const order = await this.orders.findById(id);
    if (!order) throw notFound('Order', id);
    requireSelfOrAdmin(p, order.userId);
    return toOrder(order);
  }

  async listForUser(ctx: DomainContext, input: unknown): Promise<Page<Order>> {
    const q = validate(listUserOrdersIn, input);
    requireSelfOrAdmin(ctx.caller, q.userId);
    if (!(await this.users.findById(q.userId))) throw notFound('User', q.userId);
    const slice = await this.orders.listByUser(q.userId, q.limit, q.offset);
    return { items: slice.items.map(toOrder), total: slice.total, limit: q.limit, offset: q.offset };
  }

  /**
   * Batched read for nested queries: a page of each user's orders (paged
   * like listForUser: limit 1–100, default 10), in the order asked. Users the
   * caller may not see get an empty list rather than an error, so one hidden
   * user does not fail a whole listing; a key with invalid paging gets its
   * own VALIDATION error. One storage read per distinct page asked for.
   */
  async listForUsers(ctx: DomainContext, keys: readonly { userId: number; limit?: number | undefined; offset?: number | undefined }[]): Promise<(Order[] | DomainError)[]> {
    const p = requireCaller(ctx.caller);
    const pages = new Map<string, { limit: number; offset: number; ids: number[] }>();
    const out: (Order[] | DomainError | { page: string })[] = keys.map((key) => {
      let q: ListUserOrdersInput;
      try {
        q = validate(listUserOrdersIn, key);
      } catch (err) {
        if (err instanceof DomainError) return err;
        throw err;
      }
      if (p.role !== 'admin' && q.userId !== p.userId) return [];
      const page = `${q.limit}:${q.offset}`;
      const group = pages.get(page) ?? { limit: q.limit, offset: q.offset, ids: [] };
      group.ids.push(q.userId);
      pages.set(page, group);
      return { page };
    });
    const found = new Map<string, Map<number, OrderRecord[]>>();
    await Promise.all(
      [...pages].map(async ([page, g]) => {
        found.set(page, await this.orders.listByUsers([...new Set(g.ids)], { limit: g.limit, offset: g.offset }));
      }),
    );
    return out.map((o, n) => ('page' in o ? (found.get(o.page)!.get(keys[n]!.userId) ?? []).map(toOrder) : o));
  }

  stats(ctx: DomainContext, input: unknown): Promise<OrderStats> {
    return orderStats(this.orders, ctx, input);
  }

  async create(ctx: DomainContext, input: unknown): Promise<Order> {
    const v = validate(createOrderIn, input);
    requireSelfOrAdmin(ctx.caller, v.userId);
    // Checks and insert in one transaction, so a user or product deleted meanwhile cannot slip in between.
    return this.uow.run(async (w) => {
      if (!(await w.users.findById(v.userId))) throw notFound('User', v.userId);
      const wanted = [...new Set(v.items.map((i) => i.productId))];
      const prices = new Map((await w.products.findByIds(wanted)).map((p) => [p.id, p.priceCents]));
      const missing = v.items.flatMap((i, n) => (prices.has(i.productId) ? [] : [{ field: `items.${n}.productId`, message: msg('field.productNotFound', { id: String(i.productId) }) }]));
      if (missing.length) throw new DomainError('VALIDATION', msg('order.unknownProducts'), { fields: missing });
      // The unit price is captured at order time so later price changes do not rewrite history.
      const items = v.items.map((i) => ({ productId: i.productId, quantity: i.quantity, unitPriceCents: prices.get(i.productId)! }));
      const order = toOrder(await w.orders.insert({ userId: v.userId, items }));
      await w.record({ type: 'order.created', data: order });
      return order;
    });
  }
}
