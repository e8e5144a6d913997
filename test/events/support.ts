import { expect } from 'vitest';
import { TYPES } from '../../src/app/tokens.js';
import type { EventSubscription } from '../../src/clients/stream.js';
import type { DomainEvent } from '../../src/domain/events.js';
import type { TestServer } from '../support/server.js';

/** The domain as the administrator, for writes a test needs made "somewhere else". */
export const ADMIN_CTX = { caller: { subject: 'admin', role: 'admin' as const, userId: null } };

/** The newest event id now. */
export async function cursor(s: TestServer): Promise<string> {
  return s.app.container.get(TYPES.EventStore).head();
}

/** Reads `n` events from a subscription, failing after `ms`. */
export async function take(sub: EventSubscription, n: number, ms = 5_000): Promise<DomainEvent[]> {
  const out: DomainEvent[] = [];
  const it = sub[Symbol.asyncIterator]();
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`only ${out.length} of ${n} events within ${ms} ms: ${JSON.stringify(out)}`)), ms)));
  try {
    while (out.length < n) {
      const next = await Promise.race([it.next(), timeout]);
      if (next.done) throw new Error(`stream ended after ${out.length} of ${n} events`);
      out.push(next.value);
    }
    return out;
  } finally {
    clearTimeout(timer);
  }
}

/** Nothing more arrives within `ms` (the next read is still pending). */
export async function quiet(sub: EventSubscription, ms = 300): Promise<void> {
  const it = sub[Symbol.asyncIterator]();
  const next = it.next();
  const settled = await Promise.race([next.then(() => 'event' as const, () => 'error' as const), new Promise((r) => setTimeout(() => r('quiet'), ms))]);
  expect(settled).toBe('quiet');
}

/** How a subscription ended: its error, or 'ended'. */
export async function ending(sub: EventSubscription, ms = 5_000): Promise<unknown> {
  const it = sub[Symbol.asyncIterator]();
  let timer: NodeJS.Timeout | undefined;
  try {
    for (;;) {
      const next = await Promise.race([it.next(), new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error('still open')), ms)))]);
      clearTimeout(timer);
      if (next.done) return 'ended';
    }
  } catch (err) {
    return err;
  } finally {
    clearTimeout(timer);
  }
}
