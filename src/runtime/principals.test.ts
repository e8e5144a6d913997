import { describe, expect, it, vi } from 'vitest';
import { DomainError } from '../domain/errors.js';
import type { Principal } from '../domain/principal.js';
import { bearer, NO_CREDENTIALS, password } from './credentials.js';
import { PrincipalCache, type PrincipalSource } from './principals.js';

const alice: Principal = { subject: 'user:1', role: 'user', userId: 1 };
const bob: Principal = { subject: 'user:2', role: 'user', userId: 2 };

/** A domain stand-in: token "t<id>" and password "pw" are valid for users 1 and 2; calls are counted. */
function source() {
  const users = new Map([
    [1, alice],
    [2, bob],
  ]);
  const s = {
    authenticate: vi.fn(async (token: string) => {
      const p = users.get(Number(token.slice(1)));
      if (!p) throw new DomainError('UNAUTHENTICATED', 'Invalid or expired token');
      return p;
    }),
    verifyPassword: vi.fn(async ({ username, password: pw }: { username: string; password: string }) => {
      if (!username) throw new DomainError('VALIDATION', 'username: too short');
      const p = [...users.values()].find((u) => u.subject === username);
      if (!p || pw !== 'pw') throw new DomainError('UNAUTHENTICATED', 'Invalid username or password');
      return p;
    }),
  } satisfies PrincipalSource;
  return { s, users };
}

const userEvent = (type: 'user.updated' | 'user.deleted', id: number) => ({ id: '1', type, occurredAt: '', data: { id } });

describe('PrincipalCache', () => {
  it('asks the domain once per token and per password pair, then answers from the cache', async () => {
    const { s } = source();
    const cache = new PrincipalCache(s, { max: 10, ttlMs: 60_000 });
    for (let i = 0; i < 3; i++) expect(await cache.resolve(bearer('t1'))).toEqual(alice);
    for (let i = 0; i < 3; i++) expect(await cache.resolve(password('user:2', 'pw'))).toEqual(bob);
    expect(s.authenticate).toHaveBeenCalledTimes(1);
    expect(s.verifyPassword).toHaveBeenCalledTimes(1);
    // Another password for the same user is a different key, checked for real.
    await expect(cache.resolve(password('user:2', 'wrong'))).rejects.toMatchObject({ kind: 'UNAUTHENTICATED' });
    expect(s.verifyPassword).toHaveBeenCalledTimes(2);
  });

  it('anonymous is null; unusable credentials and bad ones are UNAUTHENTICATED and never cached', async () => {
    const { s } = source();
    const cache = new PrincipalCache(s, { max: 10, ttlMs: 60_000 });
    expect(await cache.resolve(NO_CREDENTIALS)).toBeNull();
    await expect(cache.resolve({ scheme: 'invalid', reason: 'Authorization must use the Bearer scheme' })).rejects.toMatchObject({
      kind: 'UNAUTHENTICATED',
      message: 'Authorization must use the Bearer scheme',
    });
    await expect(cache.resolve(bearer('t9'))).rejects.toMatchObject({ kind: 'UNAUTHENTICATED' });
    await expect(cache.resolve(bearer('t9'))).rejects.toMatchObject({ kind: 'UNAUTHENTICATED' });
    expect(s.authenticate).toHaveBeenCalledTimes(2);
    expect(cache.size).toBe(0);
  });

  it('a username or password the login rules refuse outright is still just bad credentials', async () => {
    const { s } = source();
    const cache = new PrincipalCache(s, { max: 10, ttlMs: 60_000 });
    await expect(cache.resolve(password('', ''))).rejects.toMatchObject({ kind: 'UNAUTHENTICATED', message: 'Invalid username or password' });
  });

  it('forgets every entry of a user at once when the user changes or is deleted', async () => {
    const { s } = source();
    const cache = new PrincipalCache(s, { max: 10, ttlMs: 60_000 });
    await cache.resolve(bearer('t1'));
    await cache.resolve(password('user:1', 'pw'));
    await cache.resolve(bearer('t2'));
    cache.onEvent(userEvent('user.updated', 1));
    await cache.resolve(bearer('t1'));
    await cache.resolve(password('user:1', 'pw'));
    await cache.resolve(bearer('t2'));
    expect(s.authenticate).toHaveBeenCalledTimes(3);
    expect(s.verifyPassword).toHaveBeenCalledTimes(2);
    cache.onEvent(userEvent('user.deleted', 2));
    await cache.resolve(bearer('t2'));
    expect(s.authenticate).toHaveBeenCalledTimes(4);
  });

  it('does not keep an answer whose lookup overlapped a change to any user (it may predate the change)', async () => {
    const { s } = source();
    let release!: () => void;
    s.authenticate.mockImplementationOnce(async () => {
      await new Promise<void>((r) => (release = r));
      return alice;
    });
    const cache = new PrincipalCache(s, { max: 10, ttlMs: 60_000 });
    const pending = cache.resolve(bearer('t1'));
    await vi.waitFor(() => expect(release).toBeTypeOf('function'));
    cache.onEvent(userEvent('user.updated', 1));
    release();
    expect(await pending).toEqual(alice);
    expect(cache.size).toBe(0);
  });

  it('shares one lookup between concurrent first uses, and resolves one request\'s credentials once', async () => {
    const { s } = source();
    const cache = new PrincipalCache(s, { max: 0, ttlMs: 0 });
    const creds = bearer('t1');
    await Promise.all([cache.resolve(creds), cache.resolve(creds), cache.resolve(creds)]);
    expect(s.authenticate).toHaveBeenCalledTimes(1);
    // Without a cache, a new request (new credentials object) asks again.
    await cache.resolve(bearer('t1'));
    expect(s.authenticate).toHaveBeenCalledTimes(2);
  });

  it('holds at most `max` entries, least recently used out first', async () => {
    const { s, users } = source();
    users.set(3, { subject: 'user:3', role: 'user', userId: 3 });
    const cache = new PrincipalCache(s, { max: 2, ttlMs: 60_000 });
    await cache.resolve(bearer('t1'));
    await cache.resolve(bearer('t2'));
    await cache.resolve(bearer('t1'));
    await cache.resolve(bearer('t3'));
    expect(cache.size).toBe(2);
    await cache.resolve(bearer('t1'));
    expect(s.authenticate).toHaveBeenCalledTimes(3);
    await cache.resolve(bearer('t2'));
    expect(s.authenticate).toHaveBeenCalledTimes(4);
  });

  it('trusts an answer for the TTL at most, and never past the token\'s own expiry', async () => {
    const { s } = source();
    let now = 1_000_000;
    const cache = new PrincipalCache(s, { max: 10, ttlMs: 30_000, now: () => now, tokenExpiry: (t) => (t === 't2' ? now / 1000 + 5 : undefined) });
    await cache.resolve(bearer('t1'));
    await cache.resolve(bearer('t2'));
    now += 4_000;
    await cache.resolve(bearer('t1'));
    await cache.resolve(bearer('t2'));
    expect(s.authenticate).toHaveBeenCalledTimes(2);
    now += 2_000; // t2 has expired: asked again (and the domain decides whether it is still good).
    await cache.resolve(bearer('t2'));
    expect(s.authenticate).toHaveBeenCalledTimes(3);
    now += 30_000; // past the TTL for t1.
    await cache.resolve(bearer('t1'));
    expect(s.authenticate).toHaveBeenCalledTimes(4);
  });
});
