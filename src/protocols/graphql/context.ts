import DataLoader from 'dataloader';
import { LOADERS, type UserOrdersKey } from '../../contract/loaders.js';
import type { Product } from '../../domain/catalog/schemas.js';
import type { Order } from '../../domain/orders/schemas.js';
import type { CallContext } from '../../runtime/context.js';
import type { Runtime } from '../../runtime/invoker.js';

/**
 * Per-request state: the call context every resolver passes to the
 * runtime, and the DataLoaders that turn the nested User.orders and
 * OrderItem.product fields into one batched runtime load each, whatever the
 * number of users or order lines in the response. Loaders are made on first
 * use so plain queries pay nothing for them, and live only for one request
 * so no caller ever sees another's cached rows.
 */
export class GraphqlContext {
  private ordersLoader: DataLoader<UserOrdersKey, Order[], string> | undefined;
  private productLoader: DataLoader<number, Product> | undefined;

  constructor(
    readonly call: CallContext,
    private readonly runtime: Runtime,
  ) {}

  /**
   * Forgets what the loaders hold. A subscription's context lives as long
   * as the subscription; each event is resolved with fresh loaders so it
   * never shows rows cached for an earlier event.
   */
  fresh(): void {
    this.ordersLoader = undefined;
    this.productLoader = undefined;
  }

  /** One loader for every page asked for: the domain reads each distinct page of all users at once. */
  get ordersByUser(): DataLoader<UserOrdersKey, Order[], string> {
    return (this.ordersLoader ??= new DataLoader<UserOrdersKey, Order[], string>((keys) => this.runtime.load(LOADERS.ordersByUser, this.call, keys), {
      cacheKeyFn: (k) => `${k.userId}:${k.limit ?? ''}:${k.offset ?? ''}`,
    }));
  }

  get products(): DataLoader<number, Product> {
    return (this.productLoader ??= new DataLoader<number, Product>(async (ids) => {
      const found = await this.runtime.load(LOADERS.productById, this.call, ids);
      return found.map((p, n): Product | Error => p ?? this.runtime.normalise(new Error(`product ${ids[n]} referenced by an order is missing`), this.call));
    }));
  }
}
