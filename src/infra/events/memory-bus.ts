import type { DomainEvent, EventBus, NewDomainEvent } from '../../domain/events.js';
import type { Clock } from '../../domain/ports.js';

/**
 * Events for one process: ids from a counter, listeners called in order
 * right after publishing. A throwing listener is reported and skipped so
 * that one subscriber cannot stop delivery to the others or fail the write
 * that raised the event.
 */
export class InProcessEventBus implements EventBus {
  private readonly listeners = new Set<(event: DomainEvent) => void>();
  private seq = 0n;

  constructor(
    private readonly clock: Clock,
    private readonly onListenerError: (err: unknown) => void = () => {},
  ) {}

  async publish(e: NewDomainEvent): Promise<DomainEvent> {
    const event: DomainEvent = { id: String(++this.seq), type: e.type, occurredAt: this.clock.now().toISOString(), data: e.data };
    for (const listener of this.listeners) {
      try {
        listener(event);
      } catch (err) {
        this.onListenerError(err);
      }
    }
    return event;
  }

  subscribe(listener: (event: DomainEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}
