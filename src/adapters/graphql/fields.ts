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

/**
 * The SDL text. tsc does not copy .graphql files into dist/, so a compiled
 * build reads the file from the source tree it was built from.
 */
export function schemaSource(): string {
  for (const rel of ['./schema.graphql', '../../../src/adapters/graphql/schema.graphql']) {
    try {
      return readFileSync(fileURLToPath(new URL(rel, import.meta.url)), 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    }
  }
  throw new Error('schema.graphql not found next to the GraphQL adapter or in src/adapters/graphql');
}
