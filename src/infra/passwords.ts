import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';
import { DomainError } from '../domain/errors.js';
import { msg } from '../domain/i18n/index.js';
import type { PasswordHasher } from '../domain/ports.js';

/** node's scrypt: no native addon to build, parameters kept in the hash. */
const PARAMS = { N: 16384, r: 8, p: 1 } as const;
const KEYLEN = 32;

function derive(password: string, salt: Buffer, opts: ScryptOptions): Promise<Buffer> {
  return new Promise((resolve, reject) =>
    scrypt(password, salt, KEYLEN, { ...opts, maxmem: 64 * 1024 * 1024 }, (err, key) => (err ? reject(err) : resolve(key))),
  );
}

export class ScryptHasher implements PasswordHasher {
  async hash(password: string): Promise<string> {
    const salt = randomBytes(16);
    const key = await derive(password, salt, PARAMS);
    return `scrypt$${PARAMS.N}$${PARAMS.r}$${PARAMS.p}$${salt.toString('base64url')}$${key.toString('base64url')}`;
  }

  async verify(password: string, stored: string): Promise<boolean> {
    const [scheme, n, r, p, salt, key] = stored.split('$');
    if (scheme !== 'scrypt' || !salt || !key) return false;
    const expected = Buffer.from(key, 'base64url');
    const actual = await derive(password, Buffer.from(salt, 'base64url'), { N: Number(n), r: Number(r), p: Number(p) });
    return actual.length === expected.length && timingSafeEqual(actual, expected);
  }
}

export interface HashPoolLimits {
  /** scrypt computations at once. */
  concurrency: number;
  /** Computations allowed to wait for a slot; past that, refused. */
  queue: number;
}

/**
 * Bounds the password hashing every login, SOAP header check and password
 * change costs. Each scrypt (N=16384, r=8) holds 16 MiB (128·N·r bytes,
 * RFC 7914 §2) on one of libuv's four threads for ~50 ms, so an anonymous
 * flood used to queue thousands of them: the memory grew and a legitimate
 * login waited behind every guess. Here at most `concurrency` run (leaving
 * the other threads to file and DNS work), `queue` more wait, and anything
 * beyond is refused at once with RATE_LIMITED (REST 429 + Retry-After: 1)
 * rather than made to wait — a refused caller may retry, a queued one only
 * makes everyone later. Hand-written: a counter and a FIFO of resolvers is
 * all it takes, and the refusal must be synchronous with the admission
 * decision, which queue libraries (p-limit, p-queue) leave to the caller.
 */
export class BoundedHasher implements PasswordHasher {
  private running = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(
    private readonly inner: PasswordHasher,
    private readonly limits: HashPoolLimits,
  ) {}

  hash(password: string): Promise<string> {
    return this.run(() => this.inner.hash(password));
  }

  verify(password: string, stored: string): Promise<boolean> {
    return this.run(() => this.inner.verify(password, stored));
  }

  /** Computations running and waiting now (for tests and metrics). */
  get load(): { running: number; waiting: number } {
    return { running: this.running, waiting: this.waiting.length };
  }

  private async run<T>(work: () => Promise<T>): Promise<T> {
    if (this.running >= this.limits.concurrency) {
      if (this.waiting.length >= this.limits.queue) {
        throw new DomainError('RATE_LIMITED', msg('auth.hasherBusy', { seconds: 1 }), { retryAfter: 1 });
      }
      await new Promise<void>((resolve) => this.waiting.push(resolve));
    } else {
      this.running++;
    }
    try {
      return await work();
    } finally {
      // Hand the slot straight to the next waiter (running stays the same), or free it.
      const next = this.waiting.shift();
      if (next) next();
      else this.running--;
    }
  }
}
