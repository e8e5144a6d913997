import { sql, type Kysely } from 'kysely';
import { isPostgres } from './database.js';

/** Shared by every polyface instance; distinct from the migrations' key, which is taken and released inside. */
const STARTUP_LOCK = 0x706f6c7a; // "polz"

/**
 * Runs the first-start work that must happen once per database — generating
 * the JWT secret or admin password into settings, seeding the demo data —
 * under a session-level pg_advisory_lock, so instances started at the same
 * moment take turns: the second finds the secrets and the demo data there
 * and uses them, instead of generating its own (tokens that would not verify
 * on the other instance) or failing on the seed's unique emails. The lock is
 * held on one pooled connection while the work uses others; it ends with that
 * session even if the process dies. SQLite needs none here: `WORKERS` starts
 * its first worker alone, and one file is one machine.
 */
export async function withStartupLock<T>(db: Kysely<any>, work: () => Promise<T>): Promise<T> {
  if (!isPostgres(db)) return work();
  return db.connection().execute(async (conn) => {
    await sql`select pg_advisory_lock(${sql.lit(STARTUP_LOCK)})`.execute(conn);
    try {
      return await work();
    } finally {
      await sql`select pg_advisory_unlock(${sql.lit(STARTUP_LOCK)})`.execute(conn);
    }
  });
}
