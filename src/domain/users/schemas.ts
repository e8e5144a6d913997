import { z } from 'zod';
import { byIdIn, expectedVersion, id, limit, offset, page, sortSpec } from '../shapes.js';

export { byIdIn };

export const roleSchema = z.enum(['admin', 'user']);
export const userName = z.string().trim().min(1).max(100);
const email = z.string().trim().toLowerCase().max(254).pipe(z.email());
const password = z.string().min(8).max(200);

export const USER_SORT_FIELDS = ['id', 'name', 'email', 'role', 'createdAt', 'updatedAt'] as const;

export const userOut = z
  .object({
    id,
    name: z.string(),
    email: z.string().optional().meta({ description: 'Shown only to the user themselves and to administrators' }),
    role: roleSchema,
    createdAt: z.string().meta({ description: 'ISO 8601 timestamp' }),
    updatedAt: z.string().meta({ description: 'ISO 8601 timestamp' }),
    version: z.number().int().positive(),
  })
  .meta({ id: 'User' });
export const userPageOut = page(userOut, 'UserPage');

export const listUsersIn = z.strictObject({
  limit,
  offset,
  name: z.string().max(100).optional().meta({ description: 'Case-insensitive substring of the name' }),
  email: z.string().trim().toLowerCase().max(254).optional().meta({ description: 'Exact email' }),
  role: roleSchema.optional(),
  sort: sortSpec(USER_SORT_FIELDS),
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
