import { RateLimiterMemory, RateLimiterRes } from 'rate-limiter-flexible';
import type { RateDecision, RateLimiter, RateLimiterFactory } from '../../domain/ports.js';

/** Fixed-window counters in this process (rate-limiter-flexible's memory store); Redis shares them across instances later. */
export const memoryRateLimiters: RateLimiterFactory = (policy) => {
  const limiter = new RateLimiterMemory({ keyPrefix: policy.name, points: policy.points, duration: policy.windowSeconds });
  return new FlexibleLimiter(limiter);
};

/** Adapts any rate-limiter-flexible store to the domain's port. */
export class FlexibleLimiter implements RateLimiter {
  constructor(private readonly limiter: { consume(key: string, points?: number): Promise<RateLimiterRes>; delete(key: string): Promise<boolean> }) {}

  async consume(key: string, cost = 1): Promise<RateDecision> {
    try {
      await this.limiter.consume(key, cost);
      return { allowed: true };
    } catch (res) {
      // The library rejects with a RateLimiterRes when points run out, and with an Error when its store fails.
      if (res instanceof RateLimiterRes) return { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil(res.msBeforeNext / 1000)) };
      throw res;
    }
  }

  async reset(key: string): Promise<void> {
    await this.limiter.delete(key);
  }
}
