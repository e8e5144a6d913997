import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { OperationName } from '../../contract/operations.js';

/**
 * Where each operation lives in the GraphQL schema. Typed as a Record over
 * the operation names, so a new operation does not compile until it has a
 * root field; a test checks the schema's root fields are exactly these.
 */
export const ROOT_FIELDS: Record<OperationName, { root: 'Query' | 'Mutation'; field: string }> = {
  login: { root: 'Mutation', field: 'login' },
  getUser: { root: 'Query', field: 'user' },
  listUsers: { root: 'Query', field: 'users' },
  createUser: { root: 'Mutation', field: 'createUser' },
  updateUser: { root: 'Mutation', field: 'updateUser' },
  patchUser: { root: 'Mutation', field: 'patchUser' },
  deleteUser: { root: 'Mutation', field: 'deleteUser' },
  listUserOrders: { root: 'Query', field: 'orders' },
  getOrder: { root: 'Query', field: 'order' },
  createOrder: { root: 'Mutation', field: 'createOrder' },
  listProducts: { root: 'Query', field: 'products' },
  getProduct: { root: 'Query', field: 'product' },
  createProduct: { root: 'Mutation', field: 'createProduct' },
  updateProduct: { root: 'Mutation', field: 'updateProduct' },
  deleteProduct: { root: 'Mutation', field: 'deleteProduct' },
};

/** The SDL text, beside this module in src/ and in dist/ (scripts/build.mjs copies it). */
export function schemaSource(): string {
  return readFileSync(fileURLToPath(new URL('./schema.graphql', import.meta.url)), 'utf8');
}
