import type { Order } from '../domain/orders/schemas.js';
import type { Product } from '../domain/catalog/schemas.js';
import type { DomainContext } from '../domain/context.js';
import type { Access, DomainServices } from './operation.js';

/**
 * Batched reads behind nested fields (GraphQL's User.orders and
 * OrderItem.product, and any style that resolves a graph): one domain call
 * for many keys. Not operations of their own, but they go through the same
 * runtime door and interceptors as operations do.
 */
export interface Loader<K, V> {
  readonly name: string;
  readonly kind: 'query';
  readonly access: Access;
  run(services: DomainServices, ctx: DomainContext, keys: readonly K[]): Promise<V[]>;
}

export const LOADERS = {
  /** Every order of each user (empty for users the caller may not see), newest first. */
  ordersByUser: {
    name: 'User.orders',
    kind: 'query',
    access: 'authenticated',
    run: (d, c, ids) => d.orders.listForUsers(c, ids),
  } satisfies Loader<number, Order[]>,
  /** Products by id, undefined where missing. */
  productById: {
    name: 'OrderItem.product',
    kind: 'query',
    access: 'authenticated',
    run: (d, c, ids) => d.products.getMany(c, ids),
  } satisfies Loader<number, Product | undefined>,
} as const;
