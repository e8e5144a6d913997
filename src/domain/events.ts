/**
 * Domain events: what changed, as the change's read operation would return
 * it (`{ id }` for deletions). Services record them in the same storage
 * transaction as the change (the transactional outbox, `events` table); after
 * the commit they are published on the EventBus in id order, so subscribers
 * (live updates, credential caches) learn of committed changes only, and a
 * subscriber that missed some can read them back from the outbox by id.
 */
export const EVENT_TYPES = [
  'user.created',
  'user.updated',
  'user.deleted',
  'order.created',
  'product.created',
  'product.updated',
  'product.deleted',
] as const;

export type EventType = (typeof EVENT_TYPES)[number];

export interface DomainEvent {
  /** Monotonic cursor, as a decimal string so it can outgrow 2^53 and stay opaque to clients. */
  readonly id: string;
  readonly type: EventType;
  /** ISO 8601. */
  readonly occurredAt: string;
  readonly data: Readonly<Record<string, unknown>>;
}

export type NewDomainEvent = Pick<DomainEvent, 'type' | 'data'>;

/**
 * The user an event belongs to, for access rules: order events belong to the
 * order's owner; user and product events to nobody in particular (every
 * authenticated caller may read users and products). Stored beside the event
 * so that reading the outbox can filter by it.
 */
export function eventOwner(event: Pick<DomainEvent, 'type' | 'data'>): number | null {
  if (!event.type.startsWith('order.')) return null;
  const owner = event.data.userId;
  return typeof owner === 'number' ? owner : null;
}

/** True when cursor `a` comes after cursor `b` (decimal strings without leading zeros; compared without Number's 2^53 limit). */
export function isAfter(a: string, b: string): boolean {
  return a.length !== b.length ? a.length > b.length : a > b;
}

/**
 * Fan-out of committed events to listeners in this process (and, later,
 * across instances). The outbox relay publishes; listeners run
 * synchronously in publication order and must not block: the feed hands
 * each subscriber's events to its own bounded queue.
 */
export interface EventBus {
  publish(event: DomainEvent): void;
  /** Listeners see events in id order; a throwing listener does not affect others. Returns the unsubscribe function. */
  subscribe(listener: (event: DomainEvent) => void): () => void;
}

/** Which events a reader wants from the outbox. */
export interface EventQuery {
  /** Only events after this cursor. */
  after: string;
  limit: number;
  /** Only these types (all when absent). */
  types?: readonly EventType[] | undefined;
  /** Only events without an owner or owned by this user (all when absent: an administrator). */
  visibleTo?: number | undefined;
}

/** Read side of the outbox: replay for subscribers that resume, and long polling. */
export interface EventStore {
  /** Events after the cursor, oldest first. */
  read(query: EventQuery): Promise<DomainEvent[]>;
  /** The newest event's id ('0' when there is none): where a subscriber starting "now" begins. */
  head(): Promise<string>;
}
