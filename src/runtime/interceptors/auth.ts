import type { Credentials } from '../credentials.js';
import type { PrincipalCache } from '../principals.js';
import { isStreaming, type Interceptor } from './types.js';

/**
 * Credentials → caller for every call that is not public. Public calls
 * (login) ignore credentials entirely, so a client holding an expired token
 * can still log in again. Whether a resolved caller may do what it asks is
 * the domain's decision, not this one's.
 *
 * A stream is authenticated when it is set up and again before every value
 * it delivers (subscriptions go through the same guard as queries, and
 * keep going through it): a token that expires or is revoked while the
 * stream is open ends it with UNAUTHENTICATED.
 */
export const authInterceptor =
  (principals: PrincipalCache): Interceptor =>
  (next) =>
  async (inv) => {
    if (inv.procedure.access === 'public') return next(inv);
    const caller = await principals.resolve(inv.ctx.credentials, inv.ctx.peer);
    if (caller) inv.ctx.notes.principal = caller.subject;
    const out = await next({ ...inv, ctx: { ...inv.ctx, caller } });
    return isStreaming(inv.procedure) && caller ? rechecked(out as AsyncIterable<unknown>, principals, inv.ctx.credentials, inv.ctx.peer) : out;
  };

async function* rechecked(source: AsyncIterable<unknown>, principals: PrincipalCache, credentials: Credentials, peer: string | undefined): AsyncGenerator<unknown> {
  for await (const value of source) {
    await principals.recheck(credentials, peer);
    yield value;
  }
}
