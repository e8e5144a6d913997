import { requireAdmin, requireCaller } from './access.js';
import { notFound } from './errors.js';
import { formatMoney } from './money.js';
import type { Caller } from './principal.js';
import type { ProductRecord, ProductRepository } from './ports.js';
import { byIdIn, createProductIn, listProductsIn, updateProductIn, type Deleted, type Page, type Product } from './schemas.js';
import { parseSort } from './sort.js';
import { unwrap } from './users.js';
import { validate } from './validate.js';

export const toProduct = (r: ProductRecord): Product => ({ id: r.id, name: r.name, price: formatMoney(r.priceCents) });

export class ProductService {
  constructor(private readonly products: ProductRepository) {}

  async get(caller: Caller, input: unknown): Promise<Product> {
    requireCaller(caller);
    const { id } = validate(byIdIn, input);
    const p = await this.products.findById(id);
    if (!p) throw notFound('Product', id);
    return toProduct(p);
  }

  /** Batched read for loaders: products in the order asked, undefined where missing. */
  async getMany(caller: Caller, ids: readonly number[]): Promise<(Product | undefined)[]> {
    requireCaller(caller);
    const found = new Map((await this.products.findByIds(ids)).map((p) => [p.id, toProduct(p)]));
    return ids.map((id) => found.get(id));
  }

  async list(caller: Caller, input: unknown): Promise<Page<Product>> {
    requireCaller(caller);
    const q = validate(listProductsIn, input);
    const slice = await this.products.list({
      limit: q.limit,
      offset: q.offset,
      name: q.name,
      minPriceCents: q.minPrice,
      maxPriceCents: q.maxPrice,
      sort: parseSort(q.sort, 'id'),
    });
    return { items: slice.items.map(toProduct), total: slice.total, limit: q.limit, offset: q.offset };
  }

  async create(caller: Caller, input: unknown): Promise<Product> {
    requireAdmin(caller);
    const v = validate(createProductIn, input);
    return toProduct(await this.products.insert({ name: v.name, priceCents: v.price }));
  }

  async update(caller: Caller, input: unknown): Promise<Product> {
    requireAdmin(caller);
    const v = validate(updateProductIn, input);
    return toProduct(unwrap(await this.products.update({ id: v.id, name: v.name, priceCents: v.price }), 'Product', v.id));
  }

  async delete(caller: Caller, input: unknown): Promise<Deleted> {
    requireAdmin(caller);
    const { id } = validate(byIdIn, input);
    unwrap(await this.products.delete(id), 'Product', id);
    return { deleted: true, id };
  }
}
