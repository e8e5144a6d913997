import { DomainError } from '../errors.js';
import { isAfter, type DomainEvent, type EventBus, type EventQuery, type EventStore } from '../events.js';
import { msg } from '../i18n/index.js';

/** Outbox rows read per replay step: replay memory stays at one page whatever the backlog. */
export const REPLAY_PAGE = 100;

export interface SubscriptionOptions {
  store: EventStore;
  bus: EventBus;
  /** Start after this cursor. */
  after: string;
  /** Filters applied in the outbox query and to live events alike. */
  filter: Omit<EventQuery, 'after' | 'limit'>;
  /**
   * The caller's access rules, applied per event: the event as this
   * subscriber may see it, or undefined when it may not see it at all.
   */
  view: (event: DomainEvent) => DomainEvent | undefined;
  /** Undelivered live events held for this subscriber; one more and it is cut off. */
  queueMax: number;
  /** Ends the subscription (client gone, server shutting down). */
  signals: readonly AbortSignal[];
  onClose: () => void;
}

const DONE: IteratorReturnResult<undefined> = { done: true, value: undefined };

/**
 * One subscriber's view of the event stream: first a replay of the outbox
 * after its cursor (read page by page at the subscriber's pace), then live
 * events from the bus through a bounded queue. The bus listener is attached
 * before the first outbox read, and every event is delivered only if its id
 * is after the last one delivered, so the hand-over from replay to live
 * neither loses nor repeats an event.
 *
 * The queue is the subscriber's only buffer. While replaying, an overflow
 * costs nothing (the outbox still has those events: replay just goes on);
 * once live, a full queue means the subscriber cannot keep up: the queue
 * is dropped at once (memory stays bounded) and its next read fails with
 * RATE_LIMITED naming the cursor to resume from. Written by hand rather
 * than with a generic async queue because these overflow rules are the
 * point of it.
 */
export class Subscription implements AsyncIterableIterator<DomainEvent> {
  private queue: DomainEvent[] = [];
  /** The visible part of the outbox page just read, delivered before anything else. */
  private backlog: DomainEvent[] = [];
  private overflowed = false;
  private replaying = true;
  private closed = false;
  private cursor: string;
  private wake: (() => void) | undefined;
  private readonly unsubscribe: () => void;
  private readonly onAbort = () => this.close();

  constructor(private readonly o: SubscriptionOptions) {
    this.cursor = o.after;
    this.unsubscribe = o.bus.subscribe((e) => this.offer(e));
    for (const s of o.signals) s.addEventListener('abort', this.onAbort, { once: true });
    if (o.signals.some((s) => s.aborted)) this.close();
  }

  [Symbol.asyncIterator](): this {
    return this;
  }

  /** Events held for this subscriber right now (queue and replay page): never more than queueMax + one page. */
  get pending(): number {
    return this.queue.length + this.backlog.length;
  }

  /** The id of the last event delivered (or the starting cursor). */
  get position(): string {
    return this.cursor;
  }

  async next(): Promise<IteratorResult<DomainEvent, undefined>> {
    for (;;) {
      if (this.closed) return DONE;
      const replayed = this.backlog.shift();
      if (replayed) return { done: false, value: replayed };
      if (this.replaying) {
        // Whatever the queue holds is committed, so in the outbox: the read below covers it.
        this.queue = [];
        this.overflowed = false;
        const page = await this.o.store.read({ ...this.o.filter, after: this.cursor, limit: REPLAY_PAGE });
        if (this.closed) return DONE;
        if (page.length) this.cursor = page[page.length - 1]!.id;
        this.backlog = page.flatMap((e) => this.o.view(e) ?? []);
        // Caught up: from here on the queue holds everything after the cursor (unless it overflowed during the read).
        if (page.length < REPLAY_PAGE && !this.overflowed) this.replaying = false;
        continue;
      }
      if (this.overflowed) {
        const cursor = this.cursor;
        this.close();
        throw fellBehind(this.o.queueMax, cursor);
      }
      const event = this.queue.shift();
      if (!event) {
        await new Promise<void>((resolve) => (this.wake = resolve));
        this.wake = undefined;
        continue;
      }
      if (!isAfter(event.id, this.cursor)) continue;
      this.cursor = event.id;
      return { done: false, value: event };
    }
  }

  async return(): Promise<IteratorResult<DomainEvent, undefined>> {
    this.close();
    return DONE;
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.queue = [];
    this.backlog = [];
    this.unsubscribe();
    for (const s of this.o.signals) s.removeEventListener('abort', this.onAbort);
    this.o.onClose();
    this.wake?.();
  }

  private offer(event: DomainEvent): void {
    if (this.closed || this.overflowed || !isAfter(event.id, this.cursor)) return;
    const types = this.o.filter.types;
    if (types && !types.includes(event.type)) return;
    const shown = this.o.view(event);
    if (!shown) return;
    if (this.queue.length >= this.o.queueMax) {
      this.overflowed = true;
      this.queue = [];
      if (!this.replaying) this.unsubscribe();
    } else {
      this.queue.push(shown);
    }
    this.wake?.();
  }
}

/** Why a live subscriber was cut off: every style turns RATE_LIMITED into its own idiom (1013, RESOURCE_EXHAUSTED, …). */
export function fellBehind(queueMax: number, cursor: string): DomainError {
  return new DomainError('RATE_LIMITED', msg('events.fellBehind', { max: queueMax, cursor }));
}
