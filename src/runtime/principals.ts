import { hash } from 'node:crypto';
import { LRUCache } from 'lru-cache';
import { DomainError } from '../domain/errors.js';
import { msg } from '../domain/i18n/index.js';
import type { DomainEvent } from '../domain/events.js';
import type { Caller, Principal } from '../domain/principal.js';
import type { Credentials } from './credentials.js';

/** What the runtime needs of the domain to learn who a caller is (AuthService). */
export interface PrincipalSource {
  authenticate(token: string): Promise<Principal>;
  /** `origin`: the client's address, which failed password checks are also counted by. */
  verifyPassword(input: { username: string; password: string }, origin?: string): Promise<Principal>;
}

export interface PrincipalCacheOptions {
  /** Most credentials remembered; 0 turns the cache off (every call asks the domain). */
  max: number;
  /** Longest an answer is trusted without asking the domain again, in milliseconds. */
  ttlMs: number;
  /** Seconds since the epoch at which a bearer token expires, if it says (entries never outlive their token). */
  tokenExpiry?: (token: string) => number | undefined;
  now?: () => number;
}

/**
 * Credentials → principal, on one path for every style. Asking the domain
 * costs an HMAC and a storage read for a token, and a deliberately slow
 * scrypt for a password, so answers are kept in one bounded LRU
 * (lru-cache), keyed by the token or by a SHA-256 of the username and
 * password (never the password itself).
 *
 * An answer must never outlive a change to the user's credentials. The
 * domain already refuses a token issued before a role or password change
 * (its credentials version no longer matches), so the cache only has to
 * forget in time: every `user.updated` and `user.deleted` event drops all
 * entries of that user at once, an entry whose lookup raced with such an
 * event is not stored, and the TTL bounds how long an instance that missed
 * an event (no shared event bus) can be wrong.
 *
 * Concurrent first uses of the same credentials share one lookup, and the
 * credentials object a transport request carries is resolved once however
 * many calls it makes (a JSON-RPC batch, a GraphQL document).
 */
export class PrincipalCache {
  private readonly cache: LRUCache<string, Principal> | undefined;
  private readonly keysByUser = new Map<number, Set<string>>();
  private readonly inflight = new Map<string, Promise<Principal>>();
  private readonly perRequest = new WeakMap<Credentials, Promise<Caller>>();
  /** Bumped on every eviction; a lookup that started before one is not cached. */
  private epoch = 0;
  private readonly now: () => number;

  constructor(
    private readonly source: PrincipalSource,
    private readonly options: PrincipalCacheOptions,
  ) {
    this.now = options.now ?? Date.now;
    if (options.max > 0 && options.ttlMs > 0) {
      this.cache = new LRUCache<string, Principal>({
        max: options.max,
        ttl: options.ttlMs,
        // Expiry is checked against our clock on every read (no cached clock), so an expired token is never served.
        perf: { now: this.now },
        ttlResolution: 0,
        dispose: (principal, key) => this.unindex(principal, key),
      });
    }
  }

  /**
   * The caller behind credentials: null for none; UNAUTHENTICATED when they
   * are bad, expired or revoked. `peer` is the client's address: a password
   * is checked under the same failed-login throttle as a login.
   */
  resolve(credentials: Credentials, peer?: string): Promise<Caller> {
    if (credentials.scheme === 'none') return Promise.resolve(null);
    if (credentials.scheme === 'principal') return Promise.resolve(credentials.principal);
    let memo = this.perRequest.get(credentials);
    if (!memo) {
      memo = this.lookup(credentials, peer);
      this.perRequest.set(credentials, memo);
    }
    return memo;
  }

  /**
   * The same answer without the per-request memo: for long-lived streams,
   * which re-check their credentials before each value so that a token
   * that expired or was revoked (role or password change, deletion) since
   * the stream began stops it. Cached, so the usual cost is a map lookup.
   */
  recheck(credentials: Credentials, peer?: string): Promise<Caller> {
    if (credentials.scheme === 'none') return Promise.resolve(null);
    if (credentials.scheme === 'principal') return Promise.resolve(credentials.principal);
    return this.lookup(credentials, peer);
  }

  /** Domain events tell the cache when a user's entries must go. */
  onEvent(event: DomainEvent): void {
    if (event.type !== 'user.updated' && event.type !== 'user.deleted') return;
    const id = event.data.id;
    if (typeof id === 'number') this.forgetUser(id);
  }

  forgetUser(userId: number): void {
    this.epoch++;
    const keys = this.keysByUser.get(userId);
    if (!keys) return;
    for (const key of [...keys]) this.cache?.delete(key);
    this.keysByUser.delete(userId);
  }

  get size(): number {
    return this.cache?.size ?? 0;
  }

  private async lookup(c: Exclude<Credentials, { scheme: 'none' | 'principal' }>, peer: string | undefined): Promise<Principal> {
    if (c.scheme === 'invalid') throw new DomainError('UNAUTHENTICATED', c.reason);
    const key = c.scheme === 'bearer' ? `b:${c.token}` : `p:${passwordKey(c.username, c.password)}`;
    const hit = this.cache?.get(key);
    if (hit) return hit;
    let pending = this.inflight.get(key);
    if (!pending) {
      const epoch = this.epoch;
      pending = (c.scheme === 'bearer' ? this.source.authenticate(c.token) : this.checkPassword(c.username, c.password, peer))
        .then((principal) => {
          if (epoch === this.epoch) this.store(key, principal, c.scheme === 'bearer' ? c.token : undefined);
          return principal;
        })
        .finally(() => this.inflight.delete(key));
      this.inflight.set(key, pending);
    }
    return pending;
  }

  /** A username or password the login rules would not even accept is still just a bad pair to the caller. */
  private async checkPassword(username: string, password: string, peer: string | undefined): Promise<Principal> {
    try {
      return await this.source.verifyPassword({ username, password }, peer);
    } catch (err) {
      if (err instanceof DomainError && err.kind === 'VALIDATION') throw new DomainError('UNAUTHENTICATED', msg('auth.badCredentials'));
      throw err;
    }
  }

  private store(key: string, principal: Principal, token: string | undefined): void {
    if (!this.cache) return;
    let ttl = this.options.ttlMs;
    const exp = token && this.options.tokenExpiry?.(token);
    if (exp) ttl = Math.min(ttl, exp * 1000 - this.now());
    if (ttl <= 0) return;
    this.cache.set(key, principal, { ttl });
    if (principal.userId !== null) {
      let keys = this.keysByUser.get(principal.userId);
      if (!keys) this.keysByUser.set(principal.userId, (keys = new Set()));
      keys.add(key);
    }
  }

  private unindex(principal: Principal, key: string): void {
    if (principal.userId === null) return;
    const keys = this.keysByUser.get(principal.userId);
    if (!keys) return;
    keys.delete(key);
    if (!keys.size) this.keysByUser.delete(principal.userId);
  }
}

/** One-shot crypto.hash rather than a Hash object: a UsernameToken call makes this key on every request. */
function passwordKey(username: string, password: string): string {
  return hash('sha256', `${username}\u0000${password}`, 'base64url');
}
