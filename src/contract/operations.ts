import type { z } from 'zod';
import type { AuthService } from '../domain/auth.js';
import type { ErrorKind } from '../domain/errors.js';
import type { OrderService } from '../domain/orders.js';
import type { Caller } from '../domain/principal.js';
import type { ProductService } from '../domain/products.js';
import * as s from '../domain/schemas.js';
import type { UserService } from '../domain/users.js';

export interface DomainServices {
  auth: AuthService;
  users: UserService;
  products: ProductService;
  orders: OrderService;
}

/** Who may call: documentation for contracts; the domain enforces the rule. */
export type Access = 'public' | 'authenticated' | 'self-or-admin' | 'admin';

export interface Operation {
  /** camelCase, as JSON-RPC names it; other styles derive their names from it. */
  readonly name: string;
  readonly summary: string;
  /** Reads are GraphQL queries and safe to retry; writes are mutations. */
  readonly kind: 'query' | 'mutation';
  readonly access: Access;
  readonly input: z.ZodType;
  readonly output: z.ZodType;
  readonly errors: readonly ErrorKind[];
  run(services: DomainServices, caller: Caller, input: unknown): Promise<unknown>;
}

const AUTHED: ErrorKind[] = ['UNAUTHENTICATED', 'VALIDATION'];

/**
 * The one list of operations. Every facade, contract document (OpenAPI,
 * OpenRPC, WSDL, GraphQL schema) and the conformance suite enumerate it.
 */
export const OPERATIONS = [
  {
    name: 'login',
    summary: 'Exchange a username (email, or "admin") and password for a bearer token',
    kind: 'mutation',
    access: 'public',
    input: s.loginIn,
    output: s.tokenOut,
    errors: ['UNAUTHENTICATED', 'VALIDATION'],
    run: (d, _c, i) => d.auth.login(i),
  },
  {
    name: 'getUser',
    summary: 'Get one user',
    kind: 'query',
    access: 'authenticated',
    input: s.byIdIn,
    output: s.userOut,
    errors: [...AUTHED, 'NOT_FOUND'],
    run: (d, c, i) => d.users.get(c, i),
  },
  {
    name: 'listUsers',
    summary: 'List users with filters, sorting and paging',
    kind: 'query',
    access: 'authenticated',
    input: s.listUsersIn,
    output: s.userPageOut,
    errors: AUTHED,
    run: (d, c, i) => d.users.list(c, i),
  },
  {
    name: 'createUser',
    summary: 'Create a user',
    kind: 'mutation',
    access: 'admin',
    input: s.createUserIn,
    output: s.userOut,
    errors: [...AUTHED, 'FORBIDDEN', 'CONFLICT'],
    run: (d, c, i) => d.users.create(c, i),
  },
  {
    name: 'updateUser',
    summary: 'Replace a user (name and email required; role and password kept when omitted)',
    kind: 'mutation',
    access: 'self-or-admin',
    input: s.updateUserIn,
    output: s.userOut,
    errors: [...AUTHED, 'FORBIDDEN', 'NOT_FOUND', 'CONFLICT', 'PRECONDITION_FAILED'],
    run: (d, c, i) => d.users.update(c, i),
  },
  {
    name: 'patchUser',
    summary: 'Change some fields of a user',
    kind: 'mutation',
    access: 'self-or-admin',
    input: s.patchUserIn,
    output: s.userOut,
    errors: [...AUTHED, 'FORBIDDEN', 'NOT_FOUND', 'CONFLICT', 'PRECONDITION_FAILED'],
    run: (d, c, i) => d.users.patch(c, i),
  },
  {
    name: 'deleteUser',
    summary: 'Delete a user and their orders',
    kind: 'mutation',
    access: 'self-or-admin',
    input: s.deleteUserIn,
    output: s.deletedOut,
    errors: [...AUTHED, 'FORBIDDEN', 'NOT_FOUND', 'PRECONDITION_FAILED'],
    run: (d, c, i) => d.users.delete(c, i),
  },
  {
    name: 'listUserOrders',
    summary: "List a user's orders, newest first",
    kind: 'query',
    access: 'self-or-admin',
    input: s.listUserOrdersIn,
    output: s.orderPageOut,
    errors: [...AUTHED, 'FORBIDDEN', 'NOT_FOUND'],
    run: (d, c, i) => d.orders.listForUser(c, i),
  },
  {
    name: 'getOrder',
    summary: 'Get one order with its items and total',
    kind: 'query',
    access: 'self-or-admin',
    input: s.byIdIn,
    output: s.orderOut,
    errors: [...AUTHED, 'FORBIDDEN', 'NOT_FOUND'],
    run: (d, c, i) => d.orders.get(c, i),
  },
  {
    name: 'createOrder',
    summary: 'Place an order for a user; prices are taken from the catalogue',
    kind: 'mutation',
    access: 'self-or-admin',
    input: s.createOrderIn,
    output: s.orderOut,
    errors: [...AUTHED, 'FORBIDDEN', 'NOT_FOUND'],
    run: (d, c, i) => d.orders.create(c, i),
  },
  {
    name: 'listProducts',
    summary: 'List products with filters, sorting and paging',
    kind: 'query',
    access: 'authenticated',
    input: s.listProductsIn,
    output: s.productPageOut,
    errors: AUTHED,
    run: (d, c, i) => d.products.list(c, i),
  },
  {
    name: 'getProduct',
    summary: 'Get one product',
    kind: 'query',
    access: 'authenticated',
    input: s.byIdIn,
    output: s.productOut,
    errors: [...AUTHED, 'NOT_FOUND'],
    run: (d, c, i) => d.products.get(c, i),
  },
  {
    name: 'createProduct',
    summary: 'Add a product to the catalogue',
    kind: 'mutation',
    access: 'admin',
    input: s.createProductIn,
    output: s.productOut,
    errors: [...AUTHED, 'FORBIDDEN'],
    run: (d, c, i) => d.products.create(c, i),
  },
  {
    name: 'updateProduct',
    summary: 'Replace a product',
    kind: 'mutation',
    access: 'admin',
    input: s.updateProductIn,
    output: s.productOut,
    errors: [...AUTHED, 'FORBIDDEN', 'NOT_FOUND'],
    run: (d, c, i) => d.products.update(c, i),
  },
  {
    name: 'deleteProduct',
    summary: 'Remove a product no order refers to',
    kind: 'mutation',
    access: 'admin',
    input: s.byIdIn,
    output: s.deletedOut,
    errors: [...AUTHED, 'FORBIDDEN', 'NOT_FOUND', 'CONFLICT'],
    run: (d, c, i) => d.products.delete(c, i),
  },
] as const satisfies readonly Operation[];

export type OperationName = (typeof OPERATIONS)[number]['name'];

export const OPERATION_NAMES: readonly OperationName[] = OPERATIONS.map((o) => o.name);

const BY_NAME = new Map<string, Operation>(OPERATIONS.map((o) => [o.name, o]));

export function findOperation(name: string): Operation | undefined {
  return BY_NAME.get(name);
}

/** "getUser" → "GetUser": the SOAP and gRPC spelling. */
export const pascalName = (name: string): string => name[0]!.toUpperCase() + name.slice(1);
