import { DomainError } from '../../domain/errors.js';
import { msg } from '../../domain/i18n/index.js';
import type { AccessNotes } from '../context.js';
import type { Interceptor } from './types.js';

/**
 * At most one password-checking operation per transport request: a
 * JSON-RPC batch or WebSocket message (50 logins in one frame were 50
 * guesses for one request's worth of limits), a GraphQL document with
 * aliased logins. The calls of one request share its AccessNotes, whatever
 * else of the context they copy, so that object is the request's identity.
 * The first login runs; the others are refused with RATE_LIMITED (a
 * JSON-RPC error object each, a GraphQL error each), and a retry in a
 * request of its own succeeds.
 */
export const oneLoginPerRequest = (operations: ReadonlySet<string>): Interceptor => {
  const seen = new WeakSet<AccessNotes>();
  // Not async: most calls are not logins and go straight on, without a promise of their own.
  return (next) => (inv) => {
    if (operations.has(inv.procedure.name)) {
      if (seen.has(inv.ctx.notes)) return Promise.reject(new DomainError('RATE_LIMITED', msg('auth.oneLoginPerRequest'), { retryAfter: 1 }));
      seen.add(inv.ctx.notes);
    }
    return next(inv);
  };
};
