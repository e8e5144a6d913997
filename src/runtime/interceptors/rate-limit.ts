import { DomainError } from '../../domain/errors.js';
import { msg } from '../../domain/i18n/index.js';
import type { RateLimiter } from '../../domain/ports.js';
import { clientGroup } from '../../domain/client-group.js';
import type { Interceptor } from './types.js';

export interface CallLimits {
  /** Every call, keyed by principal (or by client address when anonymous). */
  calls?: RateLimiter | undefined;
  /** Mutations only, keyed the same way: writes cost storage and fan out as events. */
  writes?: RateLimiter | undefined;
  /**
   * Administrators skip the write limit: it exists so that an ordinary
   * account cannot flood storage, while the operator's scripts, bulk
   * imports and the comparison tool write as fast as they need.
   */
  adminsWriteFreely?: boolean;
}

/**
 * Per-principal request and write rates → RATE_LIMITED with the seconds to
 * wait, which every style turns into its own idiom (REST 429 +
 * Retry-After, …). Runs after authentication so it can key by who calls.
 */
export const rateLimitInterceptor =
  (limits: CallLimits): Interceptor =>
  (next) =>
  (inv) => {
    const { ctx, procedure } = inv;
    const write = procedure.kind === 'mutation' && limits.writes !== undefined && !(limits.adminsWriteFreely && ctx.caller?.role === 'admin');
    // Nothing to count (a read with only the write limit set): straight on, without an await of its own.
    if (!limits.calls && !write) return next(inv);
    return (async () => {
      const key = ctx.caller ? `p:${ctx.caller.subject}` : `a:${clientGroup(ctx.peer) ?? 'unknown'}`;
      for (const limiter of [limits.calls, write ? limits.writes : undefined]) {
        if (!limiter) continue;
        const decision = await limiter.consume(key);
        if (!decision.allowed) {
          throw new DomainError('RATE_LIMITED', msg('rate.limited', { seconds: decision.retryAfterSeconds }), {
            retryAfter: decision.retryAfterSeconds,
          });
        }
      }
      return next(inv);
    })();
  };
