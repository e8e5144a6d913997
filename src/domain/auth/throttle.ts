import { DomainError } from '../errors.js';
import { msg } from '../i18n/index.js';
import { clientGroup } from '../client-group.js';
import type { RateLimiter, RateLimiterFactory } from '../ports.js';

export interface LoginThrottleLimits {
  /** Failed logins an account may collect in the first window; 0 turns the per-account rule off. */
  perAccount: number;
  /** Failed logins one client address may collect in the first window (any accounts); 0 turns it off. */
  perAddress: number;
  /** The first window, in seconds. */
  windowSeconds: number;
  /** Password checks one account, and one address, may have under way at once (this instance); 0: no cap. */
  concurrent: number;
}

/**
 * Growing backoff from fixed windows: each tier allows four times the
 * failures of the one before over a window sixteen times as long, so a
 * guesser is held for a minute, then for a quarter of an hour, then for
 * hours (with the defaults, per account: 5 per minute, 20 per 16 minutes,
 * 80 per 4.3 hours — about 450 guesses a day at most), while someone who
 * mistypes twice is never slowed. OWASP's Authentication Cheat Sheet
 * ("Protect against automated attacks") asks for exactly these two keys.
 */
const TIERS = [
  { points: 1, window: 1 },
  { points: 4, window: 16 },
  { points: 16, window: 256 },
] as const;

/**
 * Failed logins counted per account (the normalised username, whether or
 * not it exists, so refusals reveal nothing) and per client address, on
 * the RateLimiter port (in-process or shared through Redis). A key that
 * has used up its failures is refused before any password is hashed, with
 * RATE_LIMITED and the seconds until its window ends; a correct password
 * clears the account's failures, never the address's (else a guesser
 * could clear them with an account of their own).
 *
 * Failures are only known once a hash is computed, so a flood sent all at
 * once would pass `admit` together; each account and each address may
 * therefore have only `concurrent` checks under way (counted in this
 * instance: concurrency is a per-process resource, like the hash pool it
 * protects), and one address's flood cannot fill the hash queue that
 * everyone else's logins need.
 *
 * The port's `consume(key, 0)` spends nothing and is refused only when the
 * key has already overspent; so each limiter gets one point less than the
 * failures it allows, and the failure that uses the last one overspends.
 */
export class LoginThrottle {
  private readonly account: readonly RateLimiter[];
  private readonly address: readonly RateLimiter[];
  private readonly underWay = new Map<string, number>();

  constructor(
    limiters: RateLimiterFactory,
    private readonly limits: LoginThrottleLimits,
  ) {
    const tiers = (name: string, max: number) =>
      max > 0 ? TIERS.map((t, i) => limiters({ name: `login-${name}-${i}`, points: max * t.points - 1, windowSeconds: limits.windowSeconds * t.window })) : [];
    this.account = tiers('account', limits.perAccount);
    this.address = tiers('address', limits.perAddress);
  }

  /**
   * Refuses while the account or the address has no failures left, or has
   * as many checks under way as it may; otherwise the check is counted as
   * under way until the returned function is called.
   */
  async admit(account: string, peer: string | undefined): Promise<() => void> {
    const address = clientGroup(peer);
    const slots = [`a:${account}`, ...(address ? [`p:${address}`] : [])];
    if (this.limits.concurrent > 0 && slots.some((k) => (this.underWay.get(k) ?? 0) >= this.limits.concurrent)) {
      throw new DomainError('RATE_LIMITED', msg('rate.limited', { seconds: 1 }), { retryAfter: 1 });
    }
    for (const k of slots) this.underWay.set(k, (this.underWay.get(k) ?? 0) + 1);
    let released = false;
    const release = () => {
      if (released) return;
      released = true;
      for (const k of slots) {
        const n = (this.underWay.get(k) ?? 1) - 1;
        if (n > 0) this.underWay.set(k, n);
        else this.underWay.delete(k);
      }
    };
    try {
      await this.refuseSpent(account, address);
    } catch (err) {
      release();
      throw err;
    }
    return release;
  }

  private async refuseSpent(account: string, address: string | undefined): Promise<void> {
    let wait = 0;
    for (const [limiter, key] of this.keys(account, address)) {
      const d = await limiter.consume(key, 0);
      if (!d.allowed) wait = Math.max(wait, d.retryAfterSeconds);
    }
    if (wait > 0) throw new DomainError('RATE_LIMITED', msg('auth.tooManyFailures', { seconds: wait }), { retryAfter: wait });
  }

  async failed(account: string, peer: string | undefined): Promise<void> {
    // A refusal here only means this failure used up the key; the next admit says so.
    await Promise.all(this.keys(account, clientGroup(peer)).map(([limiter, key]) => limiter.consume(key, 1)));
  }

  async succeeded(account: string): Promise<void> {
    await Promise.all(this.account.map((limiter) => limiter.reset(account)));
  }

  private keys(account: string, address: string | undefined): [RateLimiter, string][] {
    return [...this.account.map((l): [RateLimiter, string] => [l, account]), ...(address ? this.address.map((l): [RateLimiter, string] => [l, address]) : [])];
  }
}
