import { z } from 'zod';
import { moneyInput, moneyOutput } from './money.js';

/**
 * Inputs are strict objects: an unknown field is a VALIDATION error, not
 * silently dropped. Identifiers and numbers are real JSON numbers here;
 * text transports (URL, XML) convert before calling (adapters/shared/coerce).
 */
const id = z.number().int().positive().meta({ description: 'Positive integer identifier' });
const limit = z.number().int().min(1).max(100).default(10).meta({ description: 'Page size, 1–100' });
const offset = z.number().int().min(0).max(1_000_000).default(0).meta({ description: 'Items to skip' });
const expectedVersion = z
  .number()
  .int()
  .positive()
  .optional()
  .meta({ description: 'Optimistic concurrency: fail with PRECONDITION_FAILED unless the record is at this version' });

export const roleSchema = z.enum(['admin', 'user']);
const name = z.string().trim().min(1).max(100);
const email = z.string().trim().toLowerCase().max(254).pipe(z.email());
const password = z.string().min(8).max(200);

export const sortSpec = (fields: readonly string[]) =>
  z
    .string()
    .max(200)
    .regex(
      new RegExp(`^-?(${fields.join('|')})(,-?(${fields.join('|')}))*$`),
      `comma-separated fields from ${fields.join(', ')}; prefix with - for descending`,
    )
    .optional()
    .meta({ description: `Sort keys, e.g. "${fields[0]},-${fields[1] ?? fields[0]}"` });

export const USER_SORT_FIELDS = ['id', 'name', 'email', 'role', 'createdAt', 'updatedAt'] as const;
export const PRODUCT_SORT_FIELDS = ['id', 'name', 'price'] as const;

// ---- outputs ---------------------------------------------------------------

export const userOut = z
  .object({
    id,
    name: z.string(),
    email: z.string(),
    role: roleSchema,
    createdAt: z.string().meta({ description: 'ISO 8601 timestamp' }),
    updatedAt: z.string().meta({ description: 'ISO 8601 timestamp' }),
    version: z.number().int().positive(),
  })
  .meta({ id: 'User' });

export const productOut = z
  .object({ id, name: z.string(), price: moneyOutput })
  .meta({ id: 'Product' });

export const orderItemOut = z
  .object({
    productId: id,
    quantity: z.number().int().positive(),
    unitPrice: moneyOutput,
    lineTotal: moneyOutput,
  })
  .meta({ id: 'OrderItem' });

export const orderOut = z
  .object({
    id,
    userId: id,
    createdAt: z.string(),
    items: z.array(orderItemOut),
    totalAmount: moneyOutput,
  })
  .meta({ id: 'Order' });

const page = <T extends z.ZodType>(item: T, title: string) =>
  z
    .object({
      items: z.array(item),
      total: z.number().int().min(0),
      limit: z.number().int(),
      offset: z.number().int(),
    })
    .meta({ id: title });

export const userPageOut = page(userOut, 'UserPage');
export const productPageOut = page(productOut, 'ProductPage');
export const orderPageOut = page(orderOut, 'OrderPage');
export const tokenOut = z
  .object({
    access_token: z.string(),
    token_type: z.literal('Bearer'),
    expires_in: z.number().int().positive(),
  })
  .meta({ id: 'Token' });
export const deletedOut = z.object({ deleted: z.literal(true), id }).meta({ id: 'Deleted' });

export type User = z.infer<typeof userOut>;
export type Product = z.infer<typeof productOut>;
export type OrderItem = z.infer<typeof orderItemOut>;
export type Order = z.infer<typeof orderOut>;
export type Page<T> = { items: T[]; total: number; limit: number; offset: number };
export type Token = z.infer<typeof tokenOut>;
export type Deleted = z.infer<typeof deletedOut>;

// ---- inputs ----------------------------------------------------------------

export const loginIn = z.strictObject({ username: z.string().min(1).max(254), password: z.string().min(1).max(200) });
export const byIdIn = z.strictObject({ id });
export const listUsersIn = z.strictObject({
  limit,
  offset,
  name: z.string().max(100).optional().meta({ description: 'Case-insensitive substring of the name' }),
  email: z.string().trim().toLowerCase().max(254).optional().meta({ description: 'Exact email' }),
  role: roleSchema.optional(),
  sort: sortSpec(USER_SORT_FIELDS),
});
export const createUserIn = z.strictObject({
  name,
  email,
  role: roleSchema.default('user'),
  password: password.optional().meta({ description: 'Without one the user cannot log in' }),
});
export const updateUserIn = z.strictObject({
  id,
  name,
  email,
  role: roleSchema.optional().meta({ description: 'Omitted: unchanged. Only admins may change roles' }),
  password: password.optional().meta({ description: 'Omitted: unchanged' }),
  expectedVersion,
});
export const patchUserIn = z
  .strictObject({
    id,
    name: name.optional(),
    email: email.optional(),
    role: roleSchema.optional(),
    password: password.optional(),
    expectedVersion,
  })
  .refine((v) => v.name !== undefined || v.email !== undefined || v.role !== undefined || v.password !== undefined, {
    message: 'at least one of name, email, role, password is required',
  });
export const deleteUserIn = z.strictObject({ id, expectedVersion });
export const listUserOrdersIn = z.strictObject({ userId: id, limit, offset });
export const createOrderIn = z.strictObject({
  userId: id,
  items: z
    .array(z.strictObject({ productId: id, quantity: z.number().int().min(1).max(1000) }))
    .min(1)
    .max(100),
});
export const listProductsIn = z.strictObject({
  limit,
  offset,
  name: z.string().max(100).optional().meta({ description: 'Case-insensitive substring of the name' }),
  minPrice: moneyInput.optional(),
  maxPrice: moneyInput.optional(),
  sort: sortSpec(PRODUCT_SORT_FIELDS),
});
export const createProductIn = z.strictObject({ name, price: moneyInput });
export const updateProductIn = z.strictObject({ id, name, price: moneyInput });

export type LoginInput = z.output<typeof loginIn>;
export type ListUsersInput = z.output<typeof listUsersIn>;
export type CreateUserInput = z.output<typeof createUserIn>;
export type UpdateUserInput = z.output<typeof updateUserIn>;
export type PatchUserInput = z.output<typeof patchUserIn>;
export type DeleteUserInput = z.output<typeof deleteUserIn>;
export type ListUserOrdersInput = z.output<typeof listUserOrdersIn>;
export type CreateOrderInput = z.output<typeof createOrderIn>;
export type ListProductsInput = z.output<typeof listProductsIn>;
export type CreateProductInput = z.output<typeof createProductIn>;
export type UpdateProductInput = z.output<typeof updateProductIn>;
