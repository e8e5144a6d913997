import { DomainError } from './errors.js';
import type { Caller, Principal } from './principal.js';

export function requireCaller(caller: Caller): Principal {
  if (!caller) throw new DomainError('UNAUTHENTICATED', 'Authentication required');
  return caller;
}

export function requireAdmin(caller: Caller): Principal {
  const p = requireCaller(caller);
  if (p.role !== 'admin') throw new DomainError('FORBIDDEN', 'Only administrators may do this');
  return p;
}

/** Admins act on anyone; a user only on their own records. */
export function requireSelfOrAdmin(caller: Caller, userId: number): Principal {
  const p = requireCaller(caller);
  if (p.role !== 'admin' && p.userId !== userId) {
    throw new DomainError('FORBIDDEN', 'You may only act on your own records');
  }
  return p;
}
