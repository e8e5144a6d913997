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

/** One user's page of orders; `limit` and `offset` as the domain's paging (default 10, at most 100). */
export interface UserOrdersKey {
  readonly userId: number;
  readonly limit?: number | undefined;
  readonly offset?: number | undefined;
}

export const LOADERS = {
  /**
   * A page of each user's orders, newest first (empty for users the caller
   * may not see); a key whose paging is invalid gets its VALIDATION error.
   */
  ordersByUser: {
    name: 'User.orders',
    kind: 'query',
    access: 'authenticated',
    run: (d, c, keys) => d.orders.listForUsers(c, keys),
  } satisfies Loader<UserOrdersKey, Order[] | Error>,
  /** Products by id, undefined where missing. */
  productById: {
    name: 'OrderItem.product',
    kind: 'query',
    access: 'authenticated',
    run: (d, c, ids) => d.products.getMany(c, ids),
  } satisfies Loader<number, Product | undefined>,
} as const;
