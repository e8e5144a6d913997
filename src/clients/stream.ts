import type { DomainEvent, EventType } from '../domain/events.js';

export interface SubscribeOptions {
  /** Bearer token of the subscriber (none: anonymous, which every style refuses). */
  token?: string | undefined;
  /** Replay retained events after this id first (resuming, or not missing what happens while connecting). */
  after?: string | undefined;
}

/**
 * Events as they arrive, in the domain's envelope whatever the style
 * (`{id, type, occurredAt, data}`). Iterate it; `ready` resolves once the
 * server has the subscription (or rejects with why it refused), `close()`
 * ends it. The iteration ends when the server ends the stream and throws
 * when it fails (`EventStreamError` carries the server's reason).
 */
export interface EventSubscription extends AsyncIterable<DomainEvent> {
  readonly ready: Promise<void>;
  close(): Promise<void>;
}

export type Subscribe = (types: readonly EventType[], options: SubscribeOptions) => EventSubscription;

export class EventStreamError extends Error {
  constructor(
    message: string,
    /** Whatever the transport said: an HTTP status, a close code, an error kind. */
    readonly reason: string | number,
  ) {
    super(message);
  }
}

/** Events received but not yet read by the consumer; more means the consumer is not reading, and the subscription fails. */
export const CLIENT_QUEUE_MAX = 10_000;

/**
 * The client side of a subscription: the transport pushes, the consumer
 * pulls. Bounded like every queue here.
 */
export class EventChannel implements EventSubscription {
  readonly ready: Promise<void>;
  private readonly queue: DomainEvent[] = [];
  private waiting: ((r: IteratorResult<DomainEvent>) => void) | undefined;
  private failing: ((err: Error) => void) | undefined;
  private ended = false;
  private error: Error | undefined;
  private settle!: { resolve: () => void; reject: (err: Error) => void };

  constructor(private readonly stop: () => Promise<void> | void) {
    this.ready = new Promise<void>((resolve, reject) => (this.settle = { resolve, reject }));
    // A refusal is also reported by iteration; an unobserved `ready` must not crash the process.
    this.ready.catch(() => {});
  }

  opened(): void {
    this.settle.resolve();
  }

  push(event: DomainEvent): void {
    if (this.ended) return;
    if (this.waiting) {
      const w = this.waiting;
      this.waiting = this.failing = undefined;
      w({ done: false, value: event });
    } else if (this.queue.length >= CLIENT_QUEUE_MAX) {
      this.fail(new EventStreamError(`more than ${CLIENT_QUEUE_MAX} events unread`, 'client-queue'));
      void this.stop();
    } else {
      this.queue.push(event);
    }
  }

  end(): void {
    if (this.ended) return;
    this.ended = true;
    this.settle.resolve();
    this.waiting?.({ done: true, value: undefined });
    this.waiting = this.failing = undefined;
  }

  fail(err: Error): void {
    if (this.ended) return;
    this.ended = true;
    this.error = err;
    this.settle.reject(err);
    this.failing?.(err);
    this.waiting = this.failing = undefined;
  }

  async close(): Promise<void> {
    this.end();
    await this.stop();
  }

  [Symbol.asyncIterator](): AsyncIterator<DomainEvent> {
    return {
      next: () => {
        const event = this.queue.shift();
        if (event) return Promise.resolve({ done: false, value: event });
        if (this.error) return Promise.reject(this.error);
        if (this.ended) return Promise.resolve({ done: true, value: undefined });
        return new Promise((resolve, reject) => {
          this.waiting = resolve;
          this.failing = reject;
        });
      },
      return: async () => {
        await this.close();
        return { done: true, value: undefined };
      },
    };
  }
}
