export type Role = 'admin' | 'user';

/**
 * Who is calling. The bootstrap administrator has no user record
 * (userId null); every other caller is a user row.
 */
export interface Principal {
  readonly subject: string;
  readonly role: Role;
  readonly userId: number | null;
}

export const ANONYMOUS = null;
export type Caller = Principal | null;

export const ADMIN_SUBJECT = 'admin';
