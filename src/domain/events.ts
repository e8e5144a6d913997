/**
 * Domain events: what changed, as the change's read operation would return
 * it (`{ id }` for deletions). Services publish them after a write
 * succeeds; subscribers (live updates, credential caches) learn of changes
 * only through them.
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
  /** Monotonic cursor, as a string so it can outgrow 2^53 and stay opaque to clients. */
  readonly id: string;
  readonly type: EventType;
  /** ISO 8601. */
  readonly occurredAt: string;
  readonly data: Readonly<Record<string, unknown>>;
}

export type NewDomainEvent = Pick<DomainEvent, 'type' | 'data'>;

/** Publish/subscribe of domain events: in-process now, across instances with Redis later. */
export interface EventBus {
  publish(event: NewDomainEvent): Promise<DomainEvent>;
  /** Listeners run after the event is stored; a throwing listener does not affect others. Returns the unsubscribe function. */
  subscribe(listener: (event: DomainEvent) => void): () => void;
}

/** For services built without a bus (tests of one feature): events go nowhere. */
export const NO_EVENTS: EventBus = {
  publish: async (e) => ({ ...e, id: '0', occurredAt: new Date(0).toISOString() }),
  subscribe: () => () => {},
};
