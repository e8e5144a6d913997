import { DomainError } from '../../domain/errors.js';
import { msg } from '../../domain/i18n/index.js';
import type { Principal } from '../../domain/principal.js';
import type { CallContext } from '../../runtime/context.js';
import type { Runtime } from '../../runtime/invoker.js';
import { MAX_NAME_CHARS, type ChatUser } from './spec.js';

export interface ChatIdentity {
  readonly principal: Principal;
  readonly user: ChatUser;
}

/**
 * Who a chat connection belongs to, through the runtime's one credential
 * path: the context's credentials become a principal (anonymous is refused),
 * and the account's display name comes from `getUser` — chats never reach
 * storage themselves. The bootstrap admin has no user record and is shown as
 * "admin".
 */
export async function identify(runtime: Runtime, ctx: CallContext): Promise<ChatIdentity> {
  const principal = await runtime.authenticate(ctx);
  if (!principal) throw new DomainError('UNAUTHENTICATED', msg('auth.required'));
  if (principal.userId === null) return { principal, user: { id: null, name: principal.subject } };
  const account = (await runtime.call('getUser', ctx, { id: principal.userId })) as { name: string };
  return { principal, user: { id: principal.userId, name: account.name } };
}

/**
 * The name other people see: the account's own name, or — when a client asks
 * for another (Socket.IO `login`'s free-text `username`) — that name followed
 * by the account's in parentheses, "Ally (Alice)". A client can pick a
 * nickname but cannot pass for someone else. The requested name is cleaned of
 * control characters, its whitespace collapsed, and cut at MAX_NAME_CHARS.
 */
export function displayName(account: string, requested: unknown): string {
  if (typeof requested !== 'string') return account;
  // Line breaks and tabs become spaces first, so "a\nb" stays two words; other control and bidi characters go.
  const clean = [...requested.replace(/\s+/g, ' ').replace(/[\u0000-\u001f\u007f-\u009f\u200b-\u200f\u202a-\u202e\u2066-\u2069]/g, '').trim()]
    .slice(0, MAX_NAME_CHARS)
    .join('')
    .trim();
  if (!clean || clean.toLowerCase() === account.toLowerCase()) return account;
  return `${clean} (${account})`;
}
