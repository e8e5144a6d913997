import { DomainError } from './errors.js';
import { msg } from './i18n/index.js';
import type { Caller, Principal } from './principal.js';

export function requireCaller(caller: Caller): Principal {
  if (!caller) throw new DomainError('UNAUTHENTICATED', msg('auth.required'));
  return caller;
}

export function requireAdmin(caller: Caller): Principal {
  const p = requireCaller(caller);
  if (p.role !== 'admin') throw new DomainError('FORBIDDEN', msg('access.adminOnly'));
  return p;
}

/** Admins act on anyone; a user only on their own records. */
export function requireSelfOrAdmin(caller: Caller, userId: number): Principal {
  const p = requireCaller(caller);
  if (p.role !== 'admin' && p.userId !== userId) {
    throw new DomainError('FORBIDDEN', msg('access.ownOnly'));
  }
  return p;
}
