import { sql, type Kysely, type Selectable } from 'kysely';
import { eventOwner, type DomainEvent, type EventQuery, type EventStore, type EventType, type NewDomainEvent } from '../../domain/events.js';
import type { Database, EventsTable } from './schema.js';

const toEvent = (r: Selectable<EventsTable>): DomainEvent => ({
  id: String(r.id),
  type: r.type as EventType,
  occurredAt: r.occurred_at,
  data: JSON.parse(r.data) as Record<string, unknown>,
});

/** The outbox table: appended to inside units of work, read by subscribers and the relay, pruned in the background. */
export class SqlEventStore implements EventStore {
  constructor(private readonly db: Kysely<Database>) {}

  /** Appends an event in whatever transaction `db` is (the unit of work's). */
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
