import { requireSelfOrAdmin } from '../access.js';
import { DomainError, notFound } from '../errors.js';
import { msg } from '../i18n/index.js';
import type { NewUser, PasswordHasher, UserChanges, UserRecord, WriteResult, Writes } from '../ports.js';
import type { Caller, Role } from '../principal.js';
import type { Deleted } from '../shapes.js';
import { validate } from '../validate.js';
import { createUserIn, type User } from './schemas.js';

export function toUser(r: UserRecord): User {
  return {
    id: r.id,
    name: r.name,
    email: r.email,
    role: r.role,
    createdAt: r.createdAt,
    updatedAt: r.updatedAt,
    version: r.version,
  };
}

/** Turns a conditional write's refusal into the error the caller should see. */
export function unwrap<T>(result: WriteResult<T>, what: 'User' | 'Product', id: number): T {
  if (result.ok) return result.value;
  switch (result.reason) {
    case 'missing':
      throw notFound(what, id);
    case 'stale':
      throw new DomainError('PRECONDITION_FAILED', msg(what === 'User' ? 'user.stale' : 'product.stale', { id: String(id) }));
    case 'conflict':
      throw new DomainError('CONFLICT', msg(what === 'User' ? 'user.conflict' : 'product.conflict'), {
        fields: what === 'User' ? [{ field: 'email', message: msg('field.emailTaken') }] : [],
      });
  }
}

/**
 * A user's writes in two halves: `prepare…` checks the input and does the
 * slow work (password hashing) without touching storage; the write itself
 * then runs inside a unit of work (its transaction must not wait on a hash
 * while it holds the database) and records its event in the same
 * transaction, so single calls and bulk items emit the same events, and
 * only for writes that stay.
 */
export async function prepareCreate(hasher: PasswordHasher, input: unknown): Promise<NewUser> {
  const v = validate(createUserIn, input);
  const passwordHash = v.password === undefined ? null : await hasher.hash(v.password);
  return { name: v.name, email: v.email, role: v.role, passwordHash };
}

export async function insertUser(w: Writes, row: NewUser): Promise<User> {
  const user = toUser(unwrap(await w.users.insert(row), 'User', 0));
  await w.record({ type: 'user.created', data: user });
  return user;
}

export interface PreparedChange {
  id: number;
  fields: { name?: string | undefined; email?: string | undefined; role?: Role | undefined; passwordHash?: string | undefined };
  expectedVersion: number | undefined;
}

export async function prepareChange(
  hasher: PasswordHasher,
  v: { id: number; name?: string | undefined; email?: string | undefined; role?: Role | undefined; password?: string | undefined; expectedVersion?: number | undefined },
): Promise<PreparedChange> {
  const passwordHash = v.password === undefined ? undefined : await hasher.hash(v.password);
  return { id: v.id, fields: { name: v.name, email: v.email, role: v.role, passwordHash }, expectedVersion: v.expectedVersion };
}

export async function applyChange(w: Writes, caller: Caller, change: PreparedChange): Promise<User> {
  const p = requireSelfOrAdmin(caller, change.id);
  const current = await w.users.findById(change.id);
  if (!current) throw notFound('User', change.id);
  const { fields } = change;
  if (fields.role !== undefined && fields.role !== current.role && p.role !== 'admin') {
    throw new DomainError('FORBIDDEN', msg('access.roleChange'));
  }
  const changes: UserChanges = {};
  if (fields.name !== undefined) changes.name = fields.name;
  if (fields.email !== undefined) changes.email = fields.email;
  if (fields.role !== undefined) changes.role = fields.role;
  if (fields.passwordHash !== undefined) changes.passwordHash = fields.passwordHash;
  const user = toUser(unwrap(await w.users.update(change.id, changes, change.expectedVersion), 'User', change.id));
  await w.record({ type: 'user.updated', data: user });
  return user;
}

export async function removeUser(w: Writes, caller: Caller, id: number, expectedVersion: number | undefined): Promise<Deleted> {
  requireSelfOrAdmin(caller, id);
  unwrap(await w.users.delete(id, expectedVersion), 'User', id);
  await w.record({ type: 'user.deleted', data: { id } });
  return { deleted: true, id };
}
