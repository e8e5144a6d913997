import type { Kysely } from 'kysely';
import type { TransactionScope, UnitOfWork } from '../../domain/ports.js';
import type { Database } from './schema.js';
import { SqlUserRepository } from './users-repo.js';

/**
 * Kysely's controlled transaction (`startTransaction`) with a savepoint per
 * step: a refused step is rolled back to its savepoint, so the transaction
 * stays usable — which PostgreSQL needs (after an error it refuses every
 * statement until a rollback) and SQLite accepts — and the caller decides
 * at the end whether to commit. Savepoints are standard SQL (SQL:1999) and
 * supported by both engines.
 */
export class SqlUnitOfWork implements UnitOfWork {
  constructor(private readonly db: Kysely<Database>) {}

  async run<T>(work: (scope: TransactionScope) => Promise<{ commit: boolean; value: T }>): Promise<T> {
    const trx = await this.db.startTransaction().execute();
    let steps = 0;
    const scope: TransactionScope = {
      users: new SqlUserRepository(trx),
      async step(fn) {
        const name = `step_${steps++}`;
        const saved = await trx.savepoint(name).execute();
        try {
          const value = await fn();
          await saved.releaseSavepoint(name).execute();
          return value;
        } catch (err) {
          await saved.rollbackToSavepoint(name).execute();
          throw err;
        }
      },
    };
    try {
      const { commit, value } = await work(scope);
      await (commit ? trx.commit() : trx.rollback()).execute();
      return value;
    } catch (err) {
      if (!trx.isCommitted && !trx.isRolledBack) await trx.rollback().execute();
      throw err;
    }
  }
}
