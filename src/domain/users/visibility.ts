import type { Caller } from '../principal.js';
import type { User } from './schemas.js';

/**
 * Which parts of a user record a caller may see, decided here once for
 * every style (the source material, 003 line 84: "some properties of an
 * object may be hidden depending on the user's rights"). Everyone signed in
 * sees who exists — id, name, role and the record's metadata; the email
 * address is personal and is shown only to its owner and to
 * administrators. A hidden field is absent from the result, which each
 * style renders in its own idiom: REST and JSON-RPC omit the member, SOAP
 * the element, GraphQL resolves the field to null (without an error).
 */
export const PRIVATE_USER_FIELDS = ['email'] as const;

export type PrivateUserField = (typeof PRIVATE_USER_FIELDS)[number];

export function seesPrivateFields(caller: Caller, userId: number): boolean {
  return caller !== null && (caller.role === 'admin' || caller.userId === userId);
}

/** The user as this caller may see them. */
export function visibleTo(caller: Caller, user: User): User {
  if (seesPrivateFields(caller, user.id)) return user;
  const { email: _hidden, ...rest } = user;
  return rest;
}

/**
 * Hidden fields cannot be used to filter or sort either: `email=bob@…` or
 * `sort=email` would reveal what the record hides. Returns the first such
 * field a non-administrator asked for.
 */
export function hiddenCriterion(caller: Caller, query: { email?: string | undefined; sort?: string | undefined }): PrivateUserField | undefined {
  if (caller?.role === 'admin') return undefined;
  if (query.email !== undefined) return 'email';
  if (query.sort?.split(',').some((k) => k.replace(/^-/, '') === 'email')) return 'email';
  return undefined;
}
