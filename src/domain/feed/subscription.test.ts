import { describe, expect, it } from 'vitest';
import type { DomainEvent, EventQuery, EventStore } from '../events.js';
import { InProcessEventBus } from '../../infra/events/memory-bus.js';
import { REPLAY_PAGE, Subscription } from './subscription.js';

/** An outbox in memory: `commit` stores, `publish` is the relay's later step, so the gap between them can be staged. */
class MemoryOutbox implements EventStore {
  readonly rows: DomainEvent[] = [];
  readonly bus = new InProcessEventBus();
  reads = 0;

  commit(n: number): DomainEvent[] {
    const made = Array.from({ length: n }, () => {
      const id = String(this.rows.length + 1);
      const e: DomainEvent = { id, type: 'product.updated', occurredAt: '2026-01-01T00:00:00.000Z', data: { id: 1, n: Number(id) } };
      this.rows.push(e);
      return e;
    });
    return made;
  }

  publish(events: DomainEvent[]): void {
    for (const e of events) this.bus.publish(e);
  }

  async read(q: EventQuery): Promise<DomainEvent[]> {
    this.reads++;
    return this.rows.filter((e) => BigInt(e.id) > BigInt(q.after)).slice(0, q.limit);
  }

  async head(): Promise<string> {
    return String(this.rows.length);
  }
}

const open = (outbox: MemoryOutbox, after: string, queueMax = 4) =>
  new Subscription({ store: outbox, bus: outbox.bus, after, filter: {}, view: (e) => e, queueMax, signals: [], onClose: () => {} });

async function ids(sub: Subscription, n: number): Promise<number[]> {
  const out: number[] = [];
  for (let k = 0; k < n; k++) out.push(Number((await sub.next()).value!.id));
  return out;
}

describe('Subscription (replay, then live)', () => {
  it('delivers an event committed before it started but published after, exactly once', async () => {
    const outbox = new MemoryOutbox();
    const late = outbox.commit(1);
    const sub = open(outbox, '0');
    expect(await ids(sub, 1)).toEqual([1]);
    outbox.publish(late); // the relay catches up: already delivered by replay, so skipped
    outbox.publish(outbox.commit(1));
    expect(await ids(sub, 1)).toEqual([2]);
    sub.close();
  });

  it('applies the view to every event, replayed or live: dropped when it says so, delivered as it shapes it', async () => {
    const outbox = new MemoryOutbox();
    outbox.commit(2);
    // Odd events are not for this subscriber; even ones come out reshaped (as another user's email is left out).
    const view = (e: DomainEvent) => (Number(e.id) % 2 ? undefined : { ...e, data: { shaped: e.id } });
    const sub = new Subscription({ store: outbox, bus: outbox.bus, after: '0', filter: {}, view, queueMax: 4, signals: [], onClose: () => {} });
    expect((await sub.next()).value).toMatchObject({ id: '2', data: { shaped: '2' } });
    outbox.publish(outbox.commit(2));
    expect((await sub.next()).value).toMatchObject({ id: '4', data: { shaped: '4' } });
    sub.close();
  });

  it('reads a long backlog a page at a time, holding at most a page', async () => {
    const outbox = new MemoryOutbox();
    outbox.commit(REPLAY_PAGE * 2 + 5);
    const sub = open(outbox, '0');
    const got = await ids(sub, REPLAY_PAGE * 2 + 5);
    expect(got).toEqual(Array.from({ length: REPLAY_PAGE * 2 + 5 }, (_, k) => k + 1));
    expect(sub.pending).toBe(0);
    expect(outbox.reads).toBe(3);
    sub.close();
  });

  it('an overflow while replaying is not a failure: what was dropped is read back from the outbox', async () => {
    const outbox = new MemoryOutbox();
    const sub = open(outbox, '0', 2);
    // Not read yet (still replaying): ten live events overflow its queue of two.
    outbox.publish(outbox.commit(10));
    expect(sub.pending).toBeLessThanOrEqual(2);
    expect(await ids(sub, 10)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    sub.close();
  });

  it('an overflow once live ends it with RATE_LIMITED naming the last id delivered, and lets go of the bus', async () => {
    const outbox = new MemoryOutbox();
    const sub = open(outbox, '0', 2);
    const first = sub.next();
    await new Promise((r) => setTimeout(r, 0));
    outbox.publish(outbox.commit(1));
    expect(Number((await first).value!.id)).toBe(1);
    expect(outbox.bus.size).toBe(1);
    outbox.publish(outbox.commit(5));
    expect(outbox.bus.size).toBe(0);
    await expect(sub.next()).rejects.toMatchObject({ kind: 'RATE_LIMITED', message: expect.stringContaining('Resume after event 1') });
    expect(await sub.next()).toEqual({ done: true, value: undefined });
  });

  it('return() and an aborted signal end it at once, even while it waits', async () => {
    const outbox = new MemoryOutbox();
    const abort = new AbortController();
    let closed = 0;
    const sub = new Subscription({ store: outbox, bus: outbox.bus, after: '0', filter: {}, view: (e) => e, queueMax: 4, signals: [abort.signal], onClose: () => closed++ });
    const waiting = sub.next();
    await new Promise((r) => setTimeout(r, 0));
    abort.abort();
    expect(await waiting).toEqual({ done: true, value: undefined });
    expect(closed).toBe(1);
    expect(outbox.bus.size).toBe(0);
    await sub.return();
    expect(closed).toBe(1);
  });
});
