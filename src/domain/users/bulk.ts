import { z } from 'zod';
import { requireAdmin, requireCaller } from '../access.js';
import { bulkEnvelope, bulkItems, handling, HANDLINGS, itemError, itemErrorOut, runBulk, type BulkStep, type ItemOutcome } from '../bulk.js';
import type { DomainContext } from '../context.js';
import type { EventBus, EventType } from '../events.js';
import { DEFAULT_LANGUAGE } from '../i18n/index.js';
import type { PasswordHasher, UnitOfWork, UserRepository } from '../ports.js';
import { id } from '../shapes.js';
import { validate } from '../validate.js';
import { createUserIn, deleteUserIn, patchUserIn, userOut, type User } from './schemas.js';
import { applyChange, insertUser, prepareChange, prepareCreate, removeUser } from './writes.js';

export const bulkCreateUsersIn = z.strictObject({ items: bulkItems(createUserIn), handling });
export const bulkPatchUsersIn = z.strictObject({ items: bulkItems(patchUserIn), handling });
export const bulkDeleteUsersIn = z.strictObject({ items: bulkItems(deleteUserIn), handling });

const count = z.number().int().min(0);
export const userBulkItemOut = z
  .object({
    index: count.meta({ description: 'Position of the item in the request, from 0' }),
    ok: z.boolean(),
    id: id.optional().meta({ description: 'The user the item created, changed or deleted' }),
    user: userOut.optional().meta({ description: 'The user as written (create and patch)' }),
    error: itemErrorOut.optional(),
  })
  .meta({ id: 'UserBulkItem' });
export const userBulkResultOut = z
  .object({ handling: z.enum(HANDLINGS), succeeded: count, failed: count, items: z.array(userBulkItemOut) })
  .meta({ id: 'UserBulkResult' });

export type UserBulkResult = z.infer<typeof userBulkResultOut>;
type Item = z.infer<typeof userBulkItemOut>;

/**
 * Bulk create, patch and delete of users, item by item through the same
 * writes as the single-item operations (users/writes.ts), so a bulk item
 * is refused for exactly the reasons a single call would be. Events go out
 * only for writes that stayed: after the commit in strict mode.
 */
export class UserBulkService {
  constructor(
    private readonly users: UserRepository,
    private readonly hasher: PasswordHasher,
    private readonly unitOfWork: UnitOfWork,
    private readonly events: EventBus,
  ) {}

  async create(ctx: DomainContext, input: unknown): Promise<UserBulkResult> {
    requireAdmin(ctx.caller);
    return this.run(ctx, input, 'user.created', {
      prepare: (item) => prepareCreate(this.hasher, item),
      apply: (row, users) => insertUser(users, row),
    });
  }

  async patch(ctx: DomainContext, input: unknown): Promise<UserBulkResult> {
    requireCaller(ctx.caller);
    return this.run(ctx, input, 'user.updated', {
      prepare: (item) => prepareChange(this.hasher, validate(patchUserIn, item)),
      apply: (change, users) => applyChange(users, ctx.caller, change),
    });
  }

  async delete(ctx: DomainContext, input: unknown): Promise<UserBulkResult> {
    requireCaller(ctx.caller);
    return this.run(ctx, input, 'user.deleted', {
      prepare: async (item) => validate(deleteUserIn, item),
      apply: (v, users) => removeUser(users, ctx.caller, v.id, v.expectedVersion),
    });
  }

  private async run<P>(ctx: DomainContext, input: unknown, event: EventType, step: BulkStep<P, User | { id: number }>): Promise<UserBulkResult> {
    const { items, handling: mode } = validate(bulkEnvelope, input);
    const outcomes = await runBulk(items, mode, step, { users: this.users, unitOfWork: this.unitOfWork });
    for (const o of outcomes) if (o.ok) await this.events.publish({ type: event, data: event === 'user.deleted' ? { id: o.value.id } : o.value });
    const lang = ctx.language ?? DEFAULT_LANGUAGE;
    const results = outcomes.map((o) => this.item(o, items[o.index], lang));
    const succeeded = results.filter((r) => r.ok).length;
    return { handling: mode, succeeded, failed: results.length - succeeded, items: results };
  }

  private item(o: ItemOutcome<User | { id: number }>, input: unknown, lang: Parameters<typeof itemError>[1]): Item {
    if (o.ok) return 'name' in o.value ? { index: o.index, ok: true, id: o.value.id, user: o.value } : { index: o.index, ok: true, id: o.value.id };
    const target = (input as { id?: unknown } | null)?.id;
    return { index: o.index, ok: false, ...(typeof target === 'number' && Number.isInteger(target) && target > 0 ? { id: target } : {}), error: itemError(o.error, lang) };
  }
}
