import type { z } from 'zod';
import type { AuthService } from '../domain/auth/service.js';
import type { ProductService } from '../domain/catalog/service.js';
import type { DomainContext } from '../domain/context.js';
import type { ErrorKind } from '../domain/errors.js';
import type { JobService } from '../domain/jobs/service.js';
import type { OrderService } from '../domain/orders/service.js';
import type { UserBulkService } from '../domain/users/bulk.js';
import type { UserService } from '../domain/users/service.js';

export interface DomainServices {
  auth: AuthService;
  users: UserService;
  products: ProductService;
  orders: OrderService;
  userBulk: UserBulkService;
  jobs: JobService;
}

/** Who may call: documentation for contracts; the domain enforces the rule. `public` calls ignore credentials. */
export type Access = 'public' | 'authenticated' | 'self-or-admin' | 'admin';

interface OperationBase {
  /** camelCase, as JSON-RPC names it; other styles derive their names from it (naming.ts). */
  readonly name: string;
  readonly summary: string;
  readonly access: Access;
  readonly input: z.ZodType;
  readonly output: z.ZodType;
  readonly errors: readonly ErrorKind[];
}

/** Reads (queries) are safe to retry; writes (mutations) are not. One value back. */
export interface UnaryOperation extends OperationBase {
  readonly kind: 'query' | 'mutation';
  run(services: DomainServices, ctx: DomainContext, input: unknown): Promise<unknown>;
}

/** A stream of values (domain events, server-streamed lists) that ends when the context's signal aborts. */
export interface SubscriptionOperation extends OperationBase {
  readonly kind: 'subscription';
  run(services: DomainServices, ctx: DomainContext, input: unknown): AsyncIterable<unknown>;
}

export type Operation = UnaryOperation | SubscriptionOperation;

/** The errors every operation that needs a caller can raise. */
export const AUTHED: readonly ErrorKind[] = ['UNAUTHENTICATED', 'VALIDATION'];
