import type { PrincipalCache } from '../principals.js';
import type { Interceptor } from './types.js';

/**
 * Credentials → caller for every call that is not public. Public calls
 * (login) ignore credentials entirely, so a client holding an expired token
 * can still log in again. Whether a resolved caller may do what it asks is
 * the domain's decision, not this one's.
 */
export const authInterceptor =
  (principals: PrincipalCache): Interceptor =>
  (next) =>
  async (inv) => {
    if (inv.procedure.access === 'public') return next(inv);
    const caller = await principals.resolve(inv.ctx.credentials);
    if (caller) inv.ctx.notes.principal = caller.subject;
    return next({ ...inv, ctx: { ...inv.ctx, caller } });
  };
