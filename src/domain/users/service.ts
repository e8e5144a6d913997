import { requireAdmin, requireCaller, requireSelfOrAdmin } from '../access.js';
import type { DomainContext } from '../context.js';
import { DomainError, notFound } from '../errors.js';
import { msg } from '../i18n/index.js';
import type { PasswordHasher, UnitOfWork, UserRepository } from '../ports.js';
import type { Deleted, Page } from '../shapes.js';
import { listQuery, pageOf } from '../query/cursor.js';
import { and, fieldsOf } from '../query/filter.js';
import { parseSort } from '../sort.js';
import { validate } from '../validate.js';
import { byIdIn, deleteUserIn, listUsersIn, patchUserIn, updateUserIn, type User } from './schemas.js';
import { hiddenCriterion, PRIVATE_USER_FIELDS, visibleTo, type PrivateUserField } from './visibility.js';
import { applyChange, insertUser, prepareChange, prepareCreate, removeUser, toUser } from './writes.js';

export { toUser, unwrap } from './writes.js';

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
    return visibleTo(ctx.caller, toUser(user));
  }

  async list(ctx: DomainContext, input: unknown): Promise<Page<User>> {
    requireCaller(ctx.caller);
    const q = validate(listUsersIn, input);
    // A field hidden from this caller cannot be used to select records either, in a simple parameter or in a filter.
    const hidden = hiddenCriterion(ctx.caller, q) ?? (q.filter && ctx.caller?.role !== 'admin' ? fieldsOf(q.filter).find((f) => PRIVATE_USER_FIELDS.includes(f as PrivateUserField)) : undefined);
    if (hidden) throw new DomainError('FORBIDDEN', msg('access.hiddenField', { field: hidden }));
    // The simple parameters are shorthands for terms of the same filter tree `filter` builds.
    const where = and(
      q.filter,
      q.name ? { op: 'contains', field: 'name', value: q.name } : undefined,
      q.email ? { op: 'eq', field: 'email', value: q.email } : undefined,
      q.role ? { op: 'eq', field: 'role', value: q.role } : undefined,
    );
    const query = listQuery(q, where, parseSort(q.sort, 'id'));
    return pageOf(await this.users.list(query), query, q, (u) => visibleTo(ctx.caller, toUser(u)));
  }

  async create(ctx: DomainContext, input: unknown): Promise<User> {
    requireAdmin(ctx.caller);
    const row = await prepareCreate(this.hasher, input);
    return this.uow.run((w) => insertUser(w, row));
  }

  /** Full replacement of the mutable fields (role and password kept when omitted). */
  async update(ctx: DomainContext, input: unknown): Promise<User> {
    return this.change(ctx, validate(updateUserIn, input));
  }

  async patch(ctx: DomainContext, input: unknown): Promise<User> {
    return this.change(ctx, validate(patchUserIn, input));
  }

  async delete(ctx: DomainContext, input: unknown): Promise<Deleted> {
    const v = validate(deleteUserIn, input);
    return this.uow.run((w) => removeUser(w, ctx.caller, v.id, v.expectedVersion));
  }

  private async change(ctx: DomainContext, v: Parameters<typeof prepareChange>[1]): Promise<User> {
    // Who may change whom is checked before the (deliberately slow) password hash is computed, and the hash before the transaction.
    requireSelfOrAdmin(ctx.caller, v.id);
    const change = await prepareChange(this.hasher, v);
    return this.uow.run((w) => applyChange(w, ctx.caller, change));
  }
}
