import { z } from 'zod';
import { productOut } from '../domain/catalog/schemas.js';
import type { DomainEvent } from '../domain/events.js';
import * as s from '../domain/feed/schemas.js';
import { orderOut } from '../domain/orders/schemas.js';
import { id } from '../domain/shapes.js';
import { userOut } from '../domain/users/schemas.js';
import { AUTHED, type Operation, type TypedView } from './operation.js';

/**
 * An event for typed styles: instead of `data` (a union), the resource in
 * the field named after its kind, or `deletedId` for a deletion. GraphQL's
 * `Event`, SOAP's `Event` and gRPC's `Event` message are this shape.
 */
export const typedEventOut = z
  .object({
    id: s.cursor,
    type: s.eventType,
    occurredAt: z.string().meta({ format: 'date-time', description: 'ISO 8601 timestamp of the commit (UTC)' }),
    user: userOut.optional().meta({ description: 'user.created, user.updated' }),
    order: orderOut.optional().meta({ description: 'order.created' }),
    product: productOut.optional().meta({ description: 'product.created, product.updated' }),
    deletedId: id.optional().meta({ description: 'user.deleted, product.deleted: the id that went' }),
  })
  .meta({ id: 'Event' });

export const typedEventBatchOut = z
  .object({ events: z.array(typedEventOut), next: s.cursor })
  .meta({ id: 'EventBatch' });

export type TypedEvent = z.infer<typeof typedEventOut>;

const KIND_FIELD = { user: 'user', order: 'order', product: 'product' } as const;

export function toTypedEvent(e: DomainEvent): TypedEvent {
  const [kind, action] = e.type.split('.') as [keyof typeof KIND_FIELD, string];
  const base = { id: e.id, type: e.type, occurredAt: e.occurredAt };
  if (action === 'deleted') return { ...base, deletedId: e.data.id as number };
  return { ...base, [KIND_FIELD[kind]]: e.data } as TypedEvent;
}

export function fromTypedEvent(t: TypedEvent): DomainEvent {
  const data = t.user ?? t.order ?? t.product ?? { id: t.deletedId };
  return { id: t.id, type: t.type, occurredAt: t.occurredAt, data: data as Record<string, unknown> };
}

const eventView: TypedView = {
  output: typedEventOut,
  from: (v) => toTypedEvent(v as DomainEvent),
  to: (v) => fromTypedEvent(v as TypedEvent),
};

const batchView: TypedView = {
  output: typedEventBatchOut,
  from: (v) => {
    const b = v as { events: DomainEvent[]; next: string };
    return { events: b.events.map(toTypedEvent), next: b.next };
  },
  to: (v) => {
    const b = v as { events: TypedEvent[]; next: string };
    return { events: b.events.map(fromTypedEvent), next: b.next };
  },
};

/**
 * Live updates. Access is per event: user and product events for anyone
 * authenticated, order events for the owner and administrators; a
 * subscription never fails for an event it may not see, it skips it.
 */
export const EVENT_OPERATIONS = [
  {
    name: 'getEvents',
    summary: 'Events after a cursor, waiting up to waitSeconds for the first one (long polling)',
    kind: 'query',
    access: 'authenticated',
    input: s.getEventsIn,
    output: s.eventBatchOut,
    typed: batchView,
    errors: AUTHED,
    run: (d, c, i) => d.feed.poll(c, i),
  },
  {
    name: 'watchEvents',
    summary: 'Every change to users, orders and products as it commits (after a cursor first, when given)',
    kind: 'subscription',
    access: 'authenticated',
    input: s.watchEventsIn,
    output: s.eventOut,
    typed: eventView,
    errors: [...AUTHED, 'RATE_LIMITED'],
    run: (d, c, i) => d.feed.watch(c, i),
  },
] as const satisfies readonly Operation[];
