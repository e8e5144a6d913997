import { RateLimiterMemory, RateLimiterRedis } from 'rate-limiter-flexible';
import type { RateLimiterFactory } from '../../domain/ports.js';
import type { RedisConnections } from '../redis.js';
import { FlexibleLimiter } from './memory.js';

/**
 * Counters shared by every instance (rate-limiter-flexible's Redis store:
 * one key per policy and caller, counted with an atomic Lua script), so a
 * caller alternating instances is counted once.
 *
 * Redis lost while running: the limits degrade to the in-process store
 * (`insuranceLimiter`) rather than failing closed. Refusing every call
 * because a counter store is away would turn a Redis outage into a full
 * outage of the API; for the outage each instance counts on its own, so a
 * caller gets at most (instances × points) per window, and /readyz reports
 * Redis unreachable so the operator sees it. `rejectIfRedisNotReady` makes
 * the switch immediate instead of waiting for a command to time out.
 */
export const redisRateLimiters =
  (redis: RedisConnections): RateLimiterFactory =>
  (policy) => {
    const insuranceLimiter = new RateLimiterMemory({ keyPrefix: policy.name, points: policy.points, duration: policy.windowSeconds });
    const limiter = new RateLimiterRedis({
      storeClient: redis.command,
      keyPrefix: `${redis.prefix}rl:${policy.name}`,
      points: policy.points,
      duration: policy.windowSeconds,
      rejectIfRedisNotReady: true,
      insuranceLimiter,
    });
    return new FlexibleLimiter(limiter);
  };
