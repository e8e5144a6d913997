import type { OperationName } from '../../contract/operations.js';
import type { ErrorKind } from '../../domain/errors.js';
import type { Face } from '../shared/face.js';
import { schemaSource } from './docs.js';

export const GRAPHQL_PATH = '/graphql';

/** The schema in SDL, for browsers and code generators. */
export const SDL_PATH = '/graphql/schema.graphql';

/** GraphiQL's files. */
export const ASSET_PREFIX = '/graphql/assets/';

/** GraphQL's face on the landing page; here, not in http.ts, so the app can announce it before loading graphql-js. */
export const GRAPHQL_FACE: Face = {
  name: 'graphql',
  title: 'GraphQL',
  summary: 'GraphQL over HTTP on /graphql (POST, or GET ?query=), nested queries batched with DataLoader',
  links: [
    { rel: 'endpoint', title: 'Endpoint', href: GRAPHQL_PATH },
    { rel: 'explorer', title: 'GraphiQL explorer (open in a browser)', href: GRAPHQL_PATH, type: 'text/html' },
    { rel: 'contract', title: 'Schema (SDL)', href: SDL_PATH, type: 'text/plain' },
  ],
  contracts: [{ file: 'schema.graphql', mediaType: 'text/plain', render: schemaSource }],
};

/** DomainError kind → `extensions.code`; Apollo's names where one exists. */
export const GRAPHQL_CODES: Record<ErrorKind, string> = {
  NOT_FOUND: 'NOT_FOUND',
  CONFLICT: 'CONFLICT',
  VALIDATION: 'BAD_USER_INPUT',
  UNAUTHENTICATED: 'UNAUTHENTICATED',
  FORBIDDEN: 'FORBIDDEN',
  PRECONDITION_FAILED: 'PRECONDITION_FAILED',
  RATE_LIMITED: 'RATE_LIMITED',
  INTERNAL: 'INTERNAL_SERVER_ERROR',
};

/** Codes for failures that happen before any operation runs. */
export const REQUEST_CODES = {
  /** The HTTP request itself is malformed (no query, unparsable JSON body). */
  badRequest: 'BAD_REQUEST',
  parseFailed: 'GRAPHQL_PARSE_FAILED',
  /** Unknown fields, wrong argument types, disabled introspection, and every query limit. */
  validationFailed: 'GRAPHQL_VALIDATION_FAILED',
  payloadTooLarge: 'PAYLOAD_TOO_LARGE',
} as const;

/**
 * Where each operation lives in the GraphQL schema. Typed as a Record over
 * the operation names, so a new operation does not compile until it has a
 * root field; a test checks the schema's root fields are exactly these.
 */
export type RootType = 'Query' | 'Mutation' | 'Subscription';

export const ROOT_FIELDS: Record<OperationName, { root: RootType; field: string }> = {
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
  getOrderStats: { root: 'Query', field: 'orderStats' },
  bulkCreateUsers: { root: 'Mutation', field: 'bulkCreateUsers' },
  bulkPatchUsers: { root: 'Mutation', field: 'bulkPatchUsers' },
  bulkDeleteUsers: { root: 'Mutation', field: 'bulkDeleteUsers' },
  listProducts: { root: 'Query', field: 'products' },
  getProduct: { root: 'Query', field: 'product' },
  createProduct: { root: 'Mutation', field: 'createProduct' },
  updateProduct: { root: 'Mutation', field: 'updateProduct' },
  deleteProduct: { root: 'Mutation', field: 'deleteProduct' },
  getEvents: { root: 'Query', field: 'events' },
  watchEvents: { root: 'Subscription', field: 'events' },
};

/** graphql-transport-ws (graphql-ws): the WebSocket subprotocol on GRAPHQL_PATH. */
export const GRAPHQL_WS_PROTOCOL = 'graphql-transport-ws';
