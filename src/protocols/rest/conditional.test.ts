import { describe, expect, it } from 'vitest';
import { ChangeClock, lastModified, noneMatch, unmodifiedSince, weakTag } from './conditional.js';

const at = (iso: string) => Date.parse(iso);

describe('Last-Modified at one-second resolution', () => {
  it('is withheld during the second of the change, then names that second', () => {
    expect(lastModified(at('2026-03-01T10:00:00.400Z'), at('2026-03-01T10:00:00.900Z'))).toBeUndefined();
    expect(lastModified(at('2026-03-01T10:00:00.400Z'), at('2026-03-01T10:00:01.000Z'))).toBe('Sun, 01 Mar 2026 10:00:00 GMT');
  });

  it('names the right second for every change, however many distinct seconds come by (its formatted dates are remembered, a bounded number)', () => {
    const base = at('2026-03-01T10:00:00.000Z');
    const now = base + 10_000_000;
    // More distinct seconds than the remembered dates, twice over, each compared with a fresh format.
    for (let round = 0; round < 2; round++) {
      for (let i = 0; i < 600; i++) {
        const change = base + i * 1000 + 250;
        expect(lastModified(change, now)).toBe(new Date(base + i * 1000).toUTCString());
      }
    }
  });

  it('If-Modified-Since compares whole seconds and never vouches for the current one', () => {
    const change = at('2026-03-01T10:00:00.700Z');
    expect(unmodifiedSince('Sun, 01 Mar 2026 10:00:00 GMT', change, at('2026-03-01T10:00:05Z'))).toBe(true);
    expect(unmodifiedSince('Sun, 01 Mar 2026 09:59:59 GMT', change, at('2026-03-01T10:00:05Z'))).toBe(false);
    // A date the server could not have sent yet proves nothing about this second.
    expect(unmodifiedSince('Sun, 01 Mar 2026 10:00:00 GMT', change, at('2026-03-01T10:00:00.900Z'))).toBe(false);
    expect(unmodifiedSince('not a date', change, at('2026-03-01T10:00:05Z'))).toBe(false);
  });
});

describe('entity tags', () => {
  it('If-None-Match compares weakly: version tags by version, hashes by text, * always', () => {
    expect(noneMatch('W/"v3"', '"v3"')).toBe(true);
    expect(noneMatch('"v3.xml"', '"v3"')).toBe(true);
    expect(noneMatch('"v4", "v5"', '"v3"')).toBe(false);
    const tag = weakTag('[1,2]', 'application/json');
    expect(noneMatch(`"x", ${tag}`, tag)).toBe(true);
    expect(noneMatch(tag.slice(2), tag)).toBe(true);
    expect(noneMatch('*', tag)).toBe(true);
    expect(noneMatch(weakTag('[1,2]', 'application/xml'), tag)).toBe(false);
  });
});

describe('the collections clock', () => {
  it('starts at its start time and moves with the events that touch each collection', () => {
    const clock = new ChangeClock(at('2026-03-01T10:00:00Z'));
    expect(clock.last('users')).toBe(at('2026-03-01T10:00:00Z'));
    clock.onEvent({ type: 'user.deleted', occurredAt: '2026-03-01T11:00:00Z' });
    expect(clock.last('users')).toBe(at('2026-03-01T11:00:00Z'));
    expect(clock.last('orders')).toBe(at('2026-03-01T11:00:00Z'));
    expect(clock.last('products')).toBe(at('2026-03-01T10:00:00Z'));
    clock.onEvent({ type: 'product.updated', occurredAt: '2026-03-01T09:00:00Z' });
    expect(clock.last('products')).toBe(at('2026-03-01T10:00:00Z'));
  });
});
