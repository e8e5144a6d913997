import { z } from 'zod';
import { requireAdmin, requireCaller } from '../access.js';
import { bulkEnvelope, bulkItems, handling, HANDLINGS, itemError, itemErrorOut, runBulk, type BulkStep, type ItemOutcome } from '../bulk.js';
import type { DomainContext } from '../context.js';
import { DEFAULT_LANGUAGE } from '../i18n/index.js';
import type { PasswordHasher, UnitOfWork } from '../ports.js';
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
 * is refused for exactly the reasons a single call would be, and emits the
 * same event, through the outbox: only for writes that stayed, and only
 * once the unit of work commits.
 */
export class UserBulkService {
  constructor(
    private readonly hasher: PasswordHasher,
    private readonly unitOfWork: UnitOfWork,
  ) {}

  async create(ctx: DomainContext, input: unknown): Promise<UserBulkResult> {
    requireAdmin(ctx.caller);
    return this.run(ctx, input, {
      prepare: (item) => prepareCreate(this.hasher, item),
      apply: (row, w) => insertUser(w, row),
    });
  }

  async patch(ctx: DomainContext, input: unknown): Promise<UserBulkResult> {
    requireCaller(ctx.caller);
    return this.run(ctx, input, {
      prepare: (item) => prepareChange(this.hasher, validate(patchUserIn, item)),
      apply: (change, w) => applyChange(w, ctx.caller, change),
    });
  }

  async delete(ctx: DomainContext, input: unknown): Promise<UserBulkResult> {
    requireCaller(ctx.caller);
    return this.run(ctx, input, {
      prepare: async (item) => validate(deleteUserIn, item),
      apply: (v, w) => removeUser(w, ctx.caller, v.id, v.expectedVersion),
    });
  }

  private async run<P>(ctx: DomainContext, input: unknown, step: BulkStep<P, User | { id: number }>): Promise<UserBulkResult> {
    const { items, handling: mode } = validate(bulkEnvelope, input);
    const outcomes = await runBulk(items, mode, step, this.unitOfWork);
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
