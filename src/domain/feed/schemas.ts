import { z } from 'zod';
import { productOut } from '../catalog/schemas.js';
import { EVENT_TYPES } from '../events.js';
import { orderOut } from '../orders/schemas.js';
import { id } from '../shapes.js';
import { userOut } from '../users/schemas.js';

export const eventType = z.enum(EVENT_TYPES).meta({ description: 'user.created, user.updated, user.deleted, order.created, product.created, product.updated or product.deleted' });

/** Event ids as clients hold them: decimal strings, compared as numbers of any size. */
export const cursor = z
  .string()
  .regex(/^(0|[1-9]\d{0,18})$/, 'an event id: digits, no leading zeros')
  .meta({ description: 'Event id (a decimal string); "0" is before every event' });

const types = z
  .array(eventType)
  .max(EVENT_TYPES.length * 2)
  .optional()
  .meta({ description: 'Only these event types (all when omitted or empty)' });

export const watchEventsIn = z.strictObject({
  types,
  after: cursor.optional().meta({ description: 'Replay retained events after this id first (omitted: only events from now on)' }),
});

export const MAX_WAIT_SECONDS = 30;

/** Field order is the positional order (JSON-RPC) and the SOAP element order: GetEvents(after, max, waitSeconds). */
export const getEventsIn = z.strictObject({
  after: cursor.optional().meta({ description: 'Events after this id (omitted: from now on, so only events that arrive while waiting)' }),
  max: z.number().int().min(1).max(500).default(100).meta({ description: 'Most events returned, 1–500' }),
  waitSeconds: z
    .number()
    .int()
    .min(0)
    .max(MAX_WAIT_SECONDS)
    .default(0)
    .meta({ description: `When nothing is there yet, wait up to this many seconds (0–${MAX_WAIT_SECONDS}) for the first event` }),
  types,
});

export const deletedRef = z.object({ id }).meta({ id: 'DeletedRef' });

/** The envelope every JSON style sends: `data` is the resource as its read returns it, `{ id }` for deletions. */
export const eventOut = z
  .object({
    id: cursor,
    type: eventType,
    occurredAt: z.string().meta({ format: 'date-time', description: 'ISO 8601 timestamp of the commit (UTC)' }),
    data: z.union([userOut, orderOut, productOut, deletedRef]),
  })
  .meta({ id: 'Event' });

export const eventBatchOut = z
  .object({
    events: z.array(eventOut),
    next: cursor.meta({ description: 'Pass as `after` to get what comes next' }),
  })
  .meta({ id: 'EventBatch' });

export type WatchEventsInput = z.infer<typeof watchEventsIn>;
export type GetEventsInput = z.infer<typeof getEventsIn>;
