import { requireAdmin, requireCaller } from '../access.js';
import type { DomainContext } from '../context.js';
import { notFound } from '../errors.js';
import type { UnitOfWork } from '../ports.js';
import { formatMoney } from '../money.js';
import type { ProductRecord, ProductRepository } from '../ports.js';
import { byIdIn, type Deleted, type Page } from '../shapes.js';
import { listQuery, pageOf } from '../query/cursor.js';
import { and } from '../query/filter.js';
import { parseSort } from '../sort.js';
import { unwrap } from '../users/service.js';
import { validate } from '../validate.js';
import { createProductIn, listProductsIn, updateProductIn, type Product } from './schemas.js';

export const toProduct = (r: ProductRecord): Product => ({ id: r.id, name: r.name, price: formatMoney(r.priceCents) });

export class ProductService {
  constructor(
    private readonly products: ProductRepository,
    /** Writes run here: the change and its event commit together or not at all. */
    private readonly uow: UnitOfWork,
  ) {}

  async get(ctx: DomainContext, input: unknown): Promise<Product> {
    requireCaller(ctx.caller);
    const { id } = validate(byIdIn, input);
    const p = await this.products.findById(id);
    if (!p) throw notFound('Product', id);
    return toProduct(p);
  }

  /** Batched read for loaders: products in the order asked, undefined where missing. */
  async getMany(ctx: DomainContext, ids: readonly number[]): Promise<(Product | undefined)[]> {
    requireCaller(ctx.caller);
    const found = new Map((await this.products.findByIds(ids)).map((p) => [p.id, toProduct(p)]));
    return ids.map((id) => found.get(id));
  }

  async list(ctx: DomainContext, input: unknown): Promise<Page<Product>> {
    requireCaller(ctx.caller);
    const q = validate(listProductsIn, input);
    // Range bounds are inclusive; like every simple parameter they are terms of the one filter tree.
    const where = and(
      q.filter,
      q.name ? { op: 'contains', field: 'name', value: q.name } : undefined,
      q.minPrice !== undefined ? { op: 'ge', field: 'price', value: q.minPrice } : undefined,
      q.maxPrice !== undefined ? { op: 'le', field: 'price', value: q.maxPrice } : undefined,
    );
    const query = listQuery(q, where, parseSort(q.sort, 'id'));
    return pageOf(await this.products.list(query), query, q, toProduct);
  }

  async create(ctx: DomainContext, input: unknown): Promise<Product> {
    requireAdmin(ctx.caller);
    const v = validate(createProductIn, input);
    return this.uow.run(async (w) => {
      const product = toProduct(await w.products.insert({ name: v.name, priceCents: v.price }));
      await w.record({ type: 'product.created', data: product });
      return product;
    });
  }

  async update(ctx: DomainContext, input: unknown): Promise<Product> {
    requireAdmin(ctx.caller);
    const v = validate(updateProductIn, input);
    return this.uow.run(async (w) => {
      const product = toProduct(unwrap(await w.products.update({ id: v.id, name: v.name, priceCents: v.price }), 'Product', v.id));
      await w.record({ type: 'product.updated', data: product });
      return product;
    });
  }

  async delete(ctx: DomainContext, input: unknown): Promise<Deleted> {
    requireAdmin(ctx.caller);
    const { id } = validate(byIdIn, input);
    return this.uow.run(async (w) => {
      unwrap(await w.products.delete(id), 'Product', id);
      await w.record({ type: 'product.deleted', data: { id } });
      return { deleted: true as const, id };
    });
  }
}
