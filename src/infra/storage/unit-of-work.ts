import type { Kysely } from 'kysely';
import type { DomainEvent, NewDomainEvent } from '../../domain/events.js';
import type { Clock, UnitOfWork, Writes } from '../../domain/ports.js';
import { SqlEventStore } from './events-repo.js';
import { SqlOrderRepository } from './orders-repo.js';
import { SqlProductRepository } from './products-repo.js';
import type { Database } from './schema.js';
import { SqlUserRepository } from './users-repo.js';

/**
 * Kysely's controlled transaction (`startTransaction`) with repositories
 * bound to it and the outbox: a change and its events commit together.
 * After the commit `committed` runs (the outbox relay, which publishes in
 * id order); after a rollback nothing does.
 *
 * `step` is a savepoint (SQL:1999, in SQLite and PostgreSQL alike): a
 * refused step is rolled back to it — its rows and its outbox rows — and
 * the events it recorded are dropped from what will be handed to the relay,
 * so the transaction stays usable (PostgreSQL refuses every statement after
 * an error until a rollback) and an item that did not stay emits nothing.
 * Repositories are plain objects around the transaction, so making them
 * per unit costs nothing worth caching.
 */
export class SqlUnitOfWork implements UnitOfWork {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly clock: Clock,
    private readonly committed: (events: readonly DomainEvent[]) => void = () => {},
  ) {}

  async run<T>(work: (writes: Writes) => Promise<T>): Promise<T> {
    const trx = await this.db.startTransaction().execute();
    const recorded: DomainEvent[] = [];
    let steps = 0;
    // Whether this transaction holds the outbox lock (SqlEventStore.lockForAppend); a rolled-back savepoint releases a lock taken after it.
    let outboxLocked = false;
    const writes: Writes = {
      users: new SqlUserRepository(trx),
      products: new SqlProductRepository(trx),
      orders: new SqlOrderRepository(trx),
      record: async (event: NewDomainEvent) => {
        if (!outboxLocked) {
          await SqlEventStore.lockForAppend(trx);
          outboxLocked = true;
        }
        const stored = await SqlEventStore.append(trx, event, this.clock.now().toISOString());
        recorded.push(stored);
        return stored;
      },
      async step(fn) {
        const name = `step_${steps++}`;
        const mark = recorded.length;
        const lockedBefore = outboxLocked;
        const saved = await trx.savepoint(name).execute();
        try {
          const value = await fn();
          await saved.releaseSavepoint(name).execute();
          return value;
        } catch (err) {
          await saved.rollbackToSavepoint(name).execute();
          recorded.length = mark;
          outboxLocked = lockedBefore;
          throw err;
        }
      },
    };
    let value: T;
    try {
      value = await work(writes);
      await trx.commit().execute();
    } catch (err) {
      if (!trx.isCommitted && !trx.isRolledBack) await trx.rollback().execute();
      throw err;
    }
    if (recorded.length) this.committed(recorded);
    return value;
  }
}
