import { requireAdmin, requireCaller, requireSelfOrAdmin } from '../access.js';
import type { DomainContext } from '../context.js';
import { DomainError, notFound } from '../errors.js';
import type { UnitOfWork } from '../events.js';
import type { PasswordHasher, UserChanges, UserRecord, UserRepository, WriteResult } from '../ports.js';
import type { Deleted, Page } from '../shapes.js';
import { parseSort } from '../sort.js';
import { validate } from '../validate.js';
import { byIdIn, createUserIn, deleteUserIn, listUsersIn, patchUserIn, updateUserIn, type User } from './schemas.js';

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
export function unwrap<T>(result: WriteResult<T>, what: string, id: number): T {
  if (result.ok) return result.value;
  switch (result.reason) {
    case 'missing':
      throw notFound(what, id);
    case 'stale':
      throw new DomainError('PRECONDITION_FAILED', `${what} ${id} has changed since the version you hold`);
    case 'conflict':
      throw new DomainError('CONFLICT', `${what} conflicts with an existing record`, {
        fields: what === 'User' ? [{ field: 'email', message: 'already in use' }] : [],
      });
  }
}

/** Plain class: the domain imports no DI library; src/app wires it. */
export class UserService {
  constructor(
    private readonly users: UserRepository,
    private readonly hasher: PasswordHasher,
    /** Writes run here: the change and its event commit together or not at all. */
    private readonly uow: UnitOfWork,
  ) {}

  async get(ctx: DomainContext, input: unknown): Promise<User> {
    requireCaller(ctx.caller);
    const { id } = validate(byIdIn, input);
    const user = await this.users.findById(id);
    if (!user) throw notFound('User', id);
    return toUser(user);
  }

  async list(ctx: DomainContext, input: unknown): Promise<Page<User>> {
    requireCaller(ctx.caller);
    const q = validate(listUsersIn, input);
    const slice = await this.users.list({ ...q, sort: parseSort(q.sort, 'id') });
    return { items: slice.items.map(toUser), total: slice.total, limit: q.limit, offset: q.offset };
  }

  async create(ctx: DomainContext, input: unknown): Promise<User> {
    requireAdmin(ctx.caller);
    const v = validate(createUserIn, input);
    const passwordHash = v.password === undefined ? null : await this.hasher.hash(v.password);
    return this.uow.run(async (w) => {
      const user = toUser(unwrap(await w.users.insert({ name: v.name, email: v.email, role: v.role, passwordHash }), 'User', 0));
      await w.record({ type: 'user.created', data: user });
      return user;
    });
  }

  /** Full replacement of the mutable fields (role and password kept when omitted). */
  async update(ctx: DomainContext, input: unknown): Promise<User> {
    const v = validate(updateUserIn, input);
    return this.change(ctx, v.id, { name: v.name, email: v.email, role: v.role, password: v.password }, v.expectedVersion);
  }

  async patch(ctx: DomainContext, input: unknown): Promise<User> {
    const v = validate(patchUserIn, input);
    return this.change(ctx, v.id, { name: v.name, email: v.email, role: v.role, password: v.password }, v.expectedVersion);
  }

  async delete(ctx: DomainContext, input: unknown): Promise<Deleted> {
    const v = validate(deleteUserIn, input);
    requireSelfOrAdmin(ctx.caller, v.id);
    return this.uow.run(async (w) => {
      unwrap(await w.users.delete(v.id, v.expectedVersion), 'User', v.id);
      await w.record({ type: 'user.deleted', data: { id: v.id } });
      return { deleted: true as const, id: v.id };
    });
  }

  private async change(
    ctx: DomainContext,
    id: number,
    fields: { name?: string | undefined; email?: string | undefined; role?: 'admin' | 'user' | undefined; password?: string | undefined },
    expectedVersion: number | undefined,
  ): Promise<User> {
    const p = requireSelfOrAdmin(ctx.caller, id);
    // Hashing is deliberately slow: done before the transaction, which holds the (single) SQLite connection.
    const passwordHash = fields.password === undefined ? undefined : await this.hasher.hash(fields.password);
    return this.uow.run(async (w) => {
      const current = await w.users.findById(id);
      if (!current) throw notFound('User', id);
      if (fields.role !== undefined && fields.role !== current.role && p.role !== 'admin') {
        throw new DomainError('FORBIDDEN', 'Only administrators may change roles');
      }
      const changes: UserChanges = {};
      if (fields.name !== undefined) changes.name = fields.name;
      if (fields.email !== undefined) changes.email = fields.email;
      if (fields.role !== undefined) changes.role = fields.role;
      if (passwordHash !== undefined) changes.passwordHash = passwordHash;
      const user = toUser(unwrap(await w.users.update(id, changes, expectedVersion), 'User', id));
      await w.record({ type: 'user.updated', data: user });
      return user;
    });
  }
}
