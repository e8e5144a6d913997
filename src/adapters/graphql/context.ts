import DataLoader from 'dataloader';
import type { Caller } from '../../domain/principal.js';
import type { Order, Product } from '../../domain/schemas.js';
import type { Invoker } from '../shared/invoker.js';

/**
 * Per-request state: who is calling, and the DataLoaders that turn the
 * nested User.orders and OrderItem.product fields into one batched domain
 * read each, whatever the number of users or order lines in the response.
 * Loaders are made on first use so plain queries pay nothing for them, and
 * live only for one request so no caller ever sees another's cached rows.
 */
export class GraphqlContext {
  private ordersLoader: DataLoader<number, Order[]> | undefined;
  private productLoader: DataLoader<number, Product> | undefined;

  constructor(
    readonly caller: Caller,
    private readonly invoker: Invoker,
  ) {}

  get ordersByUser(): DataLoader<number, Order[]> {
    return (this.ordersLoader ??= new DataLoader((ids) =>
      this.batch(() => this.invoker.services.orders.listForUsers(this.caller, ids)),
    ));
  }

  get products(): DataLoader<number, Product> {
    return (this.productLoader ??= new DataLoader<number, Product>(async (ids) => {
      const found = await this.batch(() => this.invoker.services.products.getMany(this.caller, ids));
      return found.map((p, n): Product | Error => p ?? this.invoker.normalise(new Error(`product ${ids[n]} referenced by an order is missing`)));
    }));
  }

  /** Batch reads bypass Invoker.invoke, so they normalise errors the same way it does. */
  private async batch<T>(read: () => Promise<T>): Promise<T> {
    try {
      return await read();
    } catch (err) {
      throw this.invoker.normalise(err);
    }
  }
}
