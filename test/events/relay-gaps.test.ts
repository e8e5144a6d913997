import { describe, expect, it } from 'vitest';
import type { DomainEvent, EventQuery } from '../../src/domain/events.js';
import { isAfter } from '../../src/domain/events.js';
import { OutboxRelay } from '../../src/infra/events/outbox.js';

/** An outbox whose rows the test commits by hand, in any id order, as writers on several instances do. */
class FakeOutbox {
  rows: DomainEvent[] = [];
  commit(id: number): DomainEvent {
    const event: DomainEvent = { id: String(id), type: 'user.created', occurredAt: new Date(0).toISOString(), data: { id } };
    this.rows.push(event);
    this.rows.sort((a, b) => (isAfter(a.id, b.id) ? 1 : -1));
    return event;
  }
  async read(q: EventQuery): Promise<DomainEvent[]> {
    return this.rows.filter((e) => isAfter(e.id, q.after)).slice(0, q.limit);
  }
  async head(): Promise<string> {
    return this.rows.at(-1)?.id ?? '0';
  }
  async prune(): Promise<number> {
    return 0;
  }
}

function setup(gapWaitMs: number) {
  const store = new FakeOutbox();
  const published: string[] = [];
  let now = 0;
  const relay = new OutboxRelay({
    store,
    bus: { publish: (e) => void published.push(e.id), subscribe: () => () => {} },
    maxAgeSeconds: 0,
    maxCount: 0,
    pruneIntervalMs: 0,
    gapWaitMs,
    now: () => now,
    onError: (err) => {
      throw err;
    },
  });
  return { store, relay, published, advance: (ms: number) => (now += ms) };
}

describe('the outbox relay with several writers (ids committed out of order)', () => {
  it('holds an event back while a lower id is still committing, then publishes both in id order', async () => {
    const { store, relay, published } = setup(1000);
    store.commit(1);
    await relay.start();
    // Id 3 commits first (another instance's transaction took 2 and has not committed yet).
    relay.committed([store.commit(3)]);
    await relay.flushed();
    expect(published).toEqual([]);
    relay.committed([store.commit(2)]);
    await relay.flushed();
    expect(published).toEqual(['2', '3']);
    await relay.stop();
  });

  it('skips a gap that outlives EVENTS_GAP_WAIT_MS (a rolled-back transaction never fills it)', async () => {
    const { store, relay, published, advance } = setup(1000);
    store.commit(1);
    await relay.start();
    relay.committed([store.commit(3)]);
    await relay.flushed();
    expect(published).toEqual([]);
    advance(999);
    relay.nudge();
    await relay.flushed();
    expect(published).toEqual([]);
    advance(1);
    relay.nudge();
    await relay.flushed();
    expect(published).toEqual(['3']);
    await relay.stop();
  });

  it('with EVENTS_GAP_WAIT_MS=0 publishes past a gap at once', async () => {
    const { store, relay, published } = setup(0);
    store.commit(1);
    await relay.start();
    relay.committed([store.commit(3)]);
    await relay.flushed();
    expect(published).toEqual(['3']);
    await relay.stop();
  });

  it('a nudge from another instance makes it read the outbox: the event body comes from the outbox, not the message', async () => {
    const { store, relay, published } = setup(1000);
    await relay.start();
    store.commit(1);
    store.commit(2);
    relay.nudge('2');
    await relay.flushed();
    expect(published).toEqual(['1', '2']);
    // A nudge for what was already published reads nothing again.
    relay.nudge('2');
    await relay.flushed();
    expect(published).toEqual(['1', '2']);
    await relay.stop();
  });
});
