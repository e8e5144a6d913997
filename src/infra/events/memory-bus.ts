import type { DomainEvent, EventBus } from '../../domain/events.js';

/**
 * Committed events for this process's listeners, called in order right
 * after publishing. A throwing listener is reported and skipped so that one
 * subscriber cannot stop delivery to the others.
 */
export class InProcessEventBus implements EventBus {
  private readonly listeners = new Set<(event: DomainEvent) => void>();

  constructor(private readonly onListenerError: (err: unknown) => void = () => {}) {}

  publish(event: DomainEvent): void {
    for (const listener of this.listeners) {
      try {
        listener(event);
      } catch (err) {
        this.onListenerError(err);
      }
    }
  }

  subscribe(listener: (event: DomainEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  get size(): number {
    return this.listeners.size;
  }
}
