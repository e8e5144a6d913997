import type { Kysely } from 'kysely';
import type { DomainEvent, NewDomainEvent, UnitOfWork, Writes } from '../../domain/events.js';
import type { Clock } from '../../domain/ports.js';
import { SqlEventStore } from './events-repo.js';
import { SqlOrderRepository } from './orders-repo.js';
import { SqlProductRepository } from './products-repo.js';
import type { Database } from './schema.js';
import { SqlUserRepository } from './users-repo.js';

/**
 * A Kysely transaction with repositories bound to it and the outbox: the
 * change and its events commit together. After the commit `committed` runs
 * (the outbox relay, which publishes in id order); after a rollback nothing
 * does. Repositories are plain objects around the transaction, so making
 * them per unit costs nothing worth caching.
 */
export class SqlUnitOfWork implements UnitOfWork {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly clock: Clock,
    private readonly committed: (events: readonly DomainEvent[]) => void = () => {},
  ) {}

  async run<T>(work: (writes: Writes) => Promise<T>): Promise<T> {
    const recorded: DomainEvent[] = [];
    const value = await this.db.transaction().execute(async (tx) => {
      const writes: Writes = {
        users: new SqlUserRepository(tx),
        products: new SqlProductRepository(tx),
        orders: new SqlOrderRepository(tx),
        record: async (event: NewDomainEvent) => {
          const stored = await SqlEventStore.append(tx, event, this.clock.now().toISOString());
          recorded.push(stored);
          return stored;
        },
      };
      return work(writes);
    });
    if (recorded.length) this.committed(recorded);
    return value;
  }
}
