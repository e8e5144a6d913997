import { z } from 'zod';
import { cursorInput, withTotalInput } from '../query/cursor.js';
import { filterInput, type FieldCatalogue } from '../query/filter.js';
import { xmlText } from '../text.js';
import { byIdIn, expectedVersion, id, limit, offset, page, sortSpec, timestamp } from '../shapes.js';

export { byIdIn };

export const roleSchema = z.enum(['admin', 'user']);
export const userName = xmlText(z.string().trim().min(1).max(100));
const email = xmlText(z.string().trim().toLowerCase().max(254)).pipe(z.email());
const password = z.string().min(8).max(200);

export const USER_SORT_FIELDS = ['id', 'name', 'email', 'role', 'createdAt', 'updatedAt'] as const;

/** What `filter` may name, and as what. */
export const USER_FILTER_FIELDS: FieldCatalogue = {
  id: { type: 'integer' },
  name: { type: 'text' },
  email: { type: 'text', folded: true },
  role: { type: 'enum', values: roleSchema.options },
  createdAt: { type: 'datetime' },
  updatedAt: { type: 'datetime' },
};

export const userOut = z
  .object({
    id,
    name: z.string(),
    email: z.string().optional().meta({ description: 'Shown only to the user themselves and to administrators' }),
    role: roleSchema,
    createdAt: timestamp,
    updatedAt: timestamp,
    version: z.number().int().positive(),
  })
  .meta({ id: 'User' });
export const userPageOut = page(userOut, 'UserPage', { keyset: true });

export const listUsersIn = z.strictObject({
  limit,
  offset,
  name: xmlText(z.string().max(100)).optional().meta({ description: 'Case-insensitive substring of the name' }),
  email: xmlText(z.string().trim().toLowerCase().max(254)).optional().meta({ description: 'Exact email' }),
  role: roleSchema.optional(),
  sort: sortSpec(USER_SORT_FIELDS),
  filter: filterInput(USER_FILTER_FIELDS, "role eq 'admin' and contains(name,'li')"),
  // Last, so the fields numbered before them (gRPC) keep their numbers.
  cursor: cursorInput,
  withTotal: withTotalInput,
});
export const createUserIn = z.strictObject({
  name: userName,
  email,
  role: roleSchema.default('user'),
  password: password.optional().meta({ description: 'Without one the user cannot log in' }),
});
export const updateUserIn = z.strictObject({
  id,
  name: userName,
  email,
  role: roleSchema.optional().meta({ description: 'Omitted: unchanged. Only admins may change roles' }),
  password: password.optional().meta({ description: 'Omitted: unchanged' }),
  expectedVersion,
});
export const patchUserIn = z
  .strictObject({
    id,
    name: userName.optional(),
    email: email.optional(),
    role: roleSchema.optional(),
    password: password.optional(),
    expectedVersion,
  })
  .refine((v) => v.name !== undefined || v.email !== undefined || v.role !== undefined || v.password !== undefined, {
    message: 'field.patchNeedsOne',
  });
export const deleteUserIn = z.strictObject({ id, expectedVersion });

export type User = z.infer<typeof userOut>;
export type ListUsersInput = z.output<typeof listUsersIn>;
export type CreateUserInput = z.output<typeof createUserIn>;
export type UpdateUserInput = z.output<typeof updateUserIn>;
export type PatchUserInput = z.output<typeof patchUserIn>;
export type DeleteUserInput = z.output<typeof deleteUserIn>;
