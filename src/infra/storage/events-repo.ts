import { sql, type Kysely, type Selectable } from 'kysely';
import { eventOwner, type DomainEvent, type EventQuery, type EventStore, type EventType, type NewDomainEvent } from '../../domain/events.js';
import { isPostgres } from './database.js';
import type { Database, EventsTable } from './schema.js';

const toEvent = (r: Selectable<EventsTable>): DomainEvent => ({
  id: String(r.id),
  type: r.type as EventType,
  occurredAt: r.occurred_at,
  data: JSON.parse(r.data) as Record<string, unknown>,
});

/** Any constant shared by every polyface instance: the key of the transaction advisory lock that orders outbox writers. */
const OUTBOX_LOCK = 0x6f757462; // "outb"

/** The outbox table: appended to inside units of work, read by subscribers and the relay, pruned in the background. */
export class SqlEventStore implements EventStore {
  constructor(private readonly db: Kysely<Database>) {}

  /**
   * Readers page through the outbox by id (`id > cursor`), so an id must not
   * become visible after a larger one: a reader that saw 7 would never go
   * back for 6. A sequence hands ids out at insert, not at commit, so two
   * PostgreSQL transactions could commit 7 before 6. Taking this
   * transaction-scoped advisory lock before the first insert makes outbox
   * writers take ids and commit one at a time (each holds it to its commit),
   * as SQLite's single writer does by itself; units of work record their
   * events last, so the lock is held only for the end of a transaction.
   * (The alternative — readers stopping below the oldest in-flight
   * transaction's ids — needs a transaction-id column and a snapshot query
   * on every read.) No-op on SQLite.
   */
  static async lockForAppend(db: Kysely<Database>): Promise<void> {
    if (isPostgres(db)) await sql`select pg_advisory_xact_lock(${sql.lit(OUTBOX_LOCK)})`.execute(db);
  }

  /** Appends an event in whatever transaction `db` is (the unit of work's, which has called `lockForAppend`). */
  static async append(db: Kysely<Database>, event: NewDomainEvent, occurredAt: string): Promise<DomainEvent> {
    const row = await db
      .insertInto('events')
      .values({ type: event.type, occurred_at: occurredAt, owner_id: eventOwner(event), data: JSON.stringify(event.data) })
      .returning('id')
      .executeTakeFirstOrThrow();
    return { id: String(row.id), type: event.type, occurredAt, data: event.data };
  }

  async read(q: EventQuery): Promise<DomainEvent[]> {
    let query = this.db.selectFrom('events').selectAll().where('id', '>', sql<number>`${q.after}`);
    if (q.types) query = query.where('type', 'in', [...q.types]);
    if (q.visibleTo !== undefined) {
      const me = q.visibleTo;
      query = query.where((eb) => eb.or([eb('owner_id', 'is', null), eb('owner_id', '=', me)]));
    }
    const rows = await query.orderBy('id').limit(q.limit).execute();
    return rows.map(toEvent);
  }

  async head(): Promise<string> {
    const row = await this.db.selectFrom('events').select((eb) => eb.fn.max('id').as('id')).executeTakeFirst();
    return row?.id === null || row?.id === undefined ? '0' : String(row.id);
  }

  /**
   * Retention: drops events older than `olderThan` and all but the newest
   * `keep`. Returns how many went. Subscribers resuming from a cursor older
   * than what is left replay only what is left.
   */
  async prune(olderThan: Date, keep: number): Promise<number> {
    const byAge = await this.db.deleteFrom('events').where('occurred_at', '<', olderThan.toISOString()).executeTakeFirst();
    const newest = await this.db.selectFrom('events').select('id').orderBy('id', 'desc').offset(keep).limit(1).executeTakeFirst();
    const byCount = newest ? await this.db.deleteFrom('events').where('id', '<=', newest.id).executeTakeFirst() : { numDeletedRows: 0n };
    return Number(byAge.numDeletedRows) + Number(byCount.numDeletedRows);
  }
}
