import type { DomainEvent } from '../../domain/events.js';
import { isAfter } from '../../domain/events.js';
import type { RedisConnections } from '../redis.js';

const CHANNEL = 'events';
/** A nudge lost while Redis was away (pub/sub is at-most-once) delays delivery until the next one or this poll. */
const POLL_MS = 2000;

/**
 * Cross-instance fan-out of committed events. After a commit, the committing
 * instance publishes only the newest id on one Redis channel; every other
 * instance nudges its outbox relay, which reads the outbox past its own
 * cursor and publishes to its local subscribers in id order. The outbox stays
 * the one source of event bodies (nothing in Redis to expire or to drift from
 * the database), replay by id (`Last-Event-ID`, long-poll cursors) reads the
 * same rows, and a nudge lost while Redis was away is caught up by the next
 * one or by a slow poll.
 */
export class RedisEventSignal {
  private stopListening: (() => Promise<void>) | undefined;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly redis: RedisConnections,
    private readonly relay: { nudge(id?: string): void },
    private readonly onError: (err: unknown, what: string) => void,
  ) {}

  async start(): Promise<void> {
    this.stopListening = await this.redis.listen(this.redis.prefix + CHANNEL, (message) => {
      const [from, id] = message.split(' ');
      if (from !== this.redis.instanceId && id && /^\d+$/.test(id)) this.relay.nudge(id);
    });
    this.timer = setInterval(() => this.relay.nudge(), POLL_MS);
    this.timer.unref();
  }

  /** Called after a local commit that recorded events. */
  committed(events: readonly DomainEvent[]): void {
    const newest = events.reduce<string | undefined>((max, e) => (max === undefined || isAfter(e.id, max) ? e.id : max), undefined);
    if (newest === undefined) return;
    this.redis.command.publish(this.redis.prefix + CHANNEL, `${this.redis.instanceId} ${newest}`).catch((err: unknown) => {
      this.onError(err, 'announcing committed events on Redis failed (other instances catch up by polling)');
    });
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.stopListening?.();
  }
}
