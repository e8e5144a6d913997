import { describe, expect, it, vi } from 'vitest';
import { LoginThrottle } from '../../src/domain/auth/throttle.js';
import { DomainError } from '../../src/domain/errors.js';
import type { PasswordHasher, RatePolicy } from '../../src/domain/ports.js';
import { BoundedHasher } from '../../src/infra/passwords.js';
import { memoryRateLimiters } from '../../src/infra/limits/memory.js';

const refusal = async (p: Promise<unknown>) => {
  try {
    await p;
  } catch (err) {
    return err as DomainError;
  }
  throw new Error('not refused');
};

describe('LoginThrottle', () => {
  it('allows exactly the configured failures per account, then refuses with the wait; a success clears them', async () => {
    const t = new LoginThrottle(memoryRateLimiters, { perAccount: 3, perAddress: 0, windowSeconds: 60, concurrent: 0 });
    for (let i = 0; i < 3; i++) {
      (await t.admit('user:a', undefined))();
      await t.failed('user:a', undefined);
    }
    const err = await refusal(t.admit('user:a', undefined));
    expect(err).toMatchObject({ kind: 'RATE_LIMITED' });
    expect(err.retryAfter).toBeGreaterThan(0);
    expect(err.retryAfter).toBeLessThanOrEqual(60);
    // Another account is not affected; a success (here: the reset it causes) clears the account.
    (await t.admit('user:b', undefined))();
    await t.succeeded('user:a');
    (await t.admit('user:a', undefined))();
  });

  it('grows the backoff: each tier allows 4× the failures over 16× the window', async () => {
    const policies: RatePolicy[] = [];
    const factory = (p: RatePolicy) => {
      policies.push(p);
      return memoryRateLimiters(p);
    };
    new LoginThrottle(factory, { perAccount: 5, perAddress: 20, windowSeconds: 60, concurrent: 0 });
    // One point less than the failures allowed: the failure that spends the last point overspends the key.
    expect(policies.map((p) => [p.name, p.points + 1, p.windowSeconds])).toEqual([
      ['login-account-0', 5, 60],
      ['login-account-1', 20, 960],
      ['login-account-2', 80, 15360],
      ['login-address-0', 20, 60],
      ['login-address-1', 80, 960],
      ['login-address-2', 320, 15360],
    ]);
  });

  it('counts an address across accounts and is not cleared by a success', async () => {
    const t = new LoginThrottle(memoryRateLimiters, { perAccount: 0, perAddress: 2, windowSeconds: 60, concurrent: 0 });
    for (const account of ['user:x', 'user:y']) {
      (await t.admit(account, '10.0.0.1'))();
      await t.failed(account, '10.0.0.1');
    }
    await t.succeeded('user:x');
    expect(await refusal(t.admit('user:z', '10.0.0.1'))).toMatchObject({ kind: 'RATE_LIMITED' });
    (await t.admit('user:z', '10.0.0.2'))();
  });

  it('counts an IPv6 client by its /64: stepping through addresses of one network does not reset the count', async () => {
    const t = new LoginThrottle(memoryRateLimiters, { perAccount: 0, perAddress: 2, windowSeconds: 60, concurrent: 1 });
    for (const [account, address] of [['user:x', '2001:db8:1:2::a'], ['user:y', '2001:db8:1:2:ffff::b']] as const) {
      (await t.admit(account, address))();
      await t.failed(account, address);
    }
    expect(await refusal(t.admit('user:z', '2001:db8:1:2::c'))).toMatchObject({ kind: 'RATE_LIMITED' });
    // Another /64, and an IPv4 peer reported as IPv4-mapped by a dual-stack socket, are other clients.
    (await t.admit('user:z', '2001:db8:1:3::a'))();
    const release = await t.admit('user:z', '::ffff:10.0.0.9');
    // The mapped form and the plain IPv4 form are one client for the checks under way.
    expect(await refusal(t.admit('user:w', '10.0.0.9'))).toMatchObject({ kind: 'RATE_LIMITED', retryAfter: 1 });
    release();
  });

  it('caps checks under way per account and per address until released', async () => {
    const t = new LoginThrottle(memoryRateLimiters, { perAccount: 0, perAddress: 0, windowSeconds: 60, concurrent: 1 });
    const release = await t.admit('user:a', '10.0.0.1');
    expect(await refusal(t.admit('user:a', '10.0.0.2'))).toMatchObject({ kind: 'RATE_LIMITED', retryAfter: 1 });
    expect(await refusal(t.admit('user:b', '10.0.0.1'))).toMatchObject({ kind: 'RATE_LIMITED' });
    release();
    (await t.admit('user:b', '10.0.0.1'))();
  });
});

describe('BoundedHasher', () => {
  it('runs at most `concurrency`, queues `queue` more, refuses the rest at once with RATE_LIMITED', async () => {
    let running = 0;
    let peak = 0;
    const gates: (() => void)[] = [];
    const inner: PasswordHasher = {
      hash: async () => 'h',
      verify: vi.fn(async () => {
        running++;
        peak = Math.max(peak, running);
        await new Promise<void>((r) => gates.push(r));
        running--;
        return true;
      }),
    };
    const pool = new BoundedHasher(inner, { concurrency: 2, queue: 3 });
    const admitted = Array.from({ length: 5 }, () => pool.verify('p', 's'));
    const refused = await refusal(pool.verify('p', 's'));
    expect(refused).toMatchObject({ kind: 'RATE_LIMITED', retryAfter: 1 });
    expect(pool.load).toEqual({ running: 2, waiting: 3 });
    // Let each computation finish in turn; the waiting ones take the freed slots.
    while (gates.length || running) {
      gates.shift()?.();
      await new Promise((r) => setImmediate(r));
    }
    expect(await Promise.all(admitted)).toEqual([true, true, true, true, true]);
    expect(peak).toBe(2);
    expect(pool.load).toEqual({ running: 0, waiting: 0 });
  });
});
