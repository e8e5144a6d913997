import { requireCaller } from '../access.js';
import type { DomainContext } from '../context.js';
import { DomainError } from '../errors.js';
import { eventOwner, isAfter, type DomainEvent, type EventBus, type EventQuery, type EventStore } from '../events.js';
import { msg } from '../i18n/index.js';
import type { Principal } from '../principal.js';
import type { User } from '../users/schemas.js';
import { visibleTo } from '../users/visibility.js';
import { validate } from '../validate.js';
import { getEventsIn, watchEventsIn } from './schemas.js';
import { Subscription } from './subscription.js';

export interface FeedLimits {
  /** Undelivered live events per subscriber before it is cut off. */
  queueMax: number;
  /** Open subscriptions plus waiting long polls per principal. */
  maxPerPrincipal: number;
}

export interface EventBatch {
  events: DomainEvent[];
  next: string;
}

/**
 * A subscriber receives only what it could read: user and product events
 * for any authenticated caller, order events for the order's owner and
 * administrators. Checked for every event, for every subscriber.
 */
export function canSee(p: Principal, event: Pick<DomainEvent, 'type' | 'data'>): boolean {
  if (p.role === 'admin') return true;
  const owner = eventOwner(event);
  return owner === null || owner === p.userId;
}

/**
 * An event as this subscriber may see it: undefined when it may not see it
 * at all (another user's order), otherwise with its data shaped by the
 * rules of the read that returns that resource — another user's email is
 * left out (users/visibility.ts), exactly as getUser would leave it out.
 * The outbox and the bus keep the whole record; the shaping is per event,
 * per subscriber, so every style delivers what its reads would show.
 */
export function viewFor(p: Principal, event: DomainEvent): DomainEvent | undefined {
  if (!canSee(p, event)) return undefined;
  if (event.type !== 'user.created' && event.type !== 'user.updated') return event;
  const shown = visibleTo(p, event.data as unknown as User);
  return shown === event.data ? event : { ...event, data: shown };
}

const NEVER = new AbortController().signal;

/**
 * Live updates: subscriptions (replay from the outbox, then live) and long
 * polls (what is there after a cursor, or the first thing that arrives
 * within a wait). Both end at shutdown; both count against a per-principal
 * limit so one caller cannot hold an unbounded number of listeners.
 */
export class FeedService {
  private readonly open = new Map<string, number>();

  constructor(
    private readonly store: EventStore,
    private readonly bus: EventBus,
    private readonly limits: FeedLimits,
    private readonly shutdown: AbortSignal = NEVER,
  ) {}

  /** Resolves once the subscription is set up (caller known, input valid, limit not reached); errors after that end the stream. */
  async watch(ctx: DomainContext, input: unknown): Promise<AsyncIterable<DomainEvent>> {
    const p = requireCaller(ctx.caller);
    const q = validate(watchEventsIn, input);
    const release = this.claim(p);
    try {
      const after = q.after ?? (await this.store.head());
      return new Subscription({
        store: this.store,
        bus: this.bus,
        after,
        filter: filterFor(p, q.types),
        view: (e) => viewFor(p, e),
        queueMax: this.limits.queueMax,
        signals: ctx.signal ? [ctx.signal, this.shutdown] : [this.shutdown],
        onClose: release,
      });
    } catch (err) {
      release();
      throw err;
    }
  }

  /**
   * Long polling: events after `after` at once when there are any the
   * caller may see; otherwise waits up to `waitSeconds` for the first one
   * and answers then (or with an empty list). `next` is the cursor for the
   * following poll. Without `after` it starts from now.
   */
  async poll(ctx: DomainContext, input: unknown): Promise<EventBatch> {
    const p = requireCaller(ctx.caller);
    const q = validate(getEventsIn, input);
    const filter = filterFor(p, q.types);
    const after = q.after ?? (await this.store.head());
    const read = async (): Promise<EventBatch> => {
      const events = await this.store.read({ ...filter, after, limit: q.max });
      // The cursor moves past what was read, whether or not the caller may see all of it.
      return { events: events.flatMap((e) => viewFor(p, e) ?? []), next: events.length ? events[events.length - 1]!.id : after };
    };
    if (q.waitSeconds === 0) return read();

    const release = this.claim(p);
    // Listening before the first read, so an event committed between the read and the wait is not missed.
    let arrived!: () => void;
    const signal = new Promise<void>((resolve) => (arrived = resolve));
    const unsubscribe = this.bus.subscribe((e) => {
      if (isAfter(e.id, after) && (!filter.types || filter.types.includes(e.type)) && canSee(p, e)) arrived();
    });
    const stops = [ctx.signal, this.shutdown].filter((s): s is AbortSignal => s !== undefined);
    const onStop = () => arrived();
    for (const s of stops) s.addEventListener('abort', onStop, { once: true });
    let timer: ReturnType<typeof setTimeout> | undefined;
    try {
      const first = await read();
      if (first.events.length || stops.some((s) => s.aborted)) return first;
      await Promise.race([signal, new Promise<void>((resolve) => (timer = setTimeout(resolve, q.waitSeconds * 1000)))]);
      return await read();
    } finally {
      clearTimeout(timer);
      unsubscribe();
      for (const s of stops) s.removeEventListener('abort', onStop);
      release();
    }
  }

  /** Open subscriptions and waiting polls of one principal (for tests and metrics). */
  openFor(subject: string): number {
    return this.open.get(subject) ?? 0;
  }

  private claim(p: Principal): () => void {
    const n = this.open.get(p.subject) ?? 0;
    if (n >= this.limits.maxPerPrincipal) {
      throw new DomainError('RATE_LIMITED', msg('events.perCaller', { max: this.limits.maxPerPrincipal }), { retryAfter: 1 });
    }
    this.open.set(p.subject, n + 1);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const left = (this.open.get(p.subject) ?? 1) - 1;
      if (left > 0) this.open.set(p.subject, left);
      else this.open.delete(p.subject);
    };
  }
}

/** The access rule as an outbox query, so invisible events are skipped by the database rather than read and dropped. */
function filterFor(p: Principal, types: EventQuery['types']): Omit<EventQuery, 'after' | 'limit'> {
  // An empty list filters nothing out (protobuf cannot tell an empty repeated field from an absent one).
  return { types: types?.length ? types : undefined, visibleTo: p.role === 'admin' ? undefined : (p.userId ?? -1) };
}
