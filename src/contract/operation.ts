import type { z } from 'zod';
import type { AuthService } from '../domain/auth/service.js';
import type { ProductService } from '../domain/catalog/service.js';
import type { DomainContext } from '../domain/context.js';
import type { ErrorKind } from '../domain/errors.js';
import type { FeedService } from '../domain/feed/service.js';
import type { JobService } from '../domain/jobs/service.js';
import type { OrderService } from '../domain/orders/service.js';
import type { UserBulkService } from '../domain/users/bulk.js';
import type { UserService } from '../domain/users/service.js';

export interface DomainServices {
  auth: AuthService;
  users: UserService;
  products: ProductService;
  orders: OrderService;
  feed: FeedService;
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
  /**
   * For styles whose type systems have no unions (GraphQL, SOAP, protobuf):
   * the output re-shaped so each alternative is an optional field of its
   * own, and the way there and back. JSON styles send `output` as it is.
   */
  readonly typed?: TypedView;
}

export interface TypedView {
  /** The typed shape of one value (one stream item, for a subscription). */
  readonly output: z.ZodType;
  from(value: unknown): unknown;
  to(value: unknown): unknown;
}

/** Reads (queries) are safe to retry; writes (mutations) are not. One value back. */
export interface UnaryOperation extends OperationBase {
  readonly kind: 'query' | 'mutation';
  run(services: DomainServices, ctx: DomainContext, input: unknown): Promise<unknown>;
}

/**
 * A stream of values (domain events, server-streamed lists) that ends when
 * the context's signal aborts; `output` describes one item. `run` may
 * resolve once the stream is set up, so that refusals (authentication,
 * validation, limits) arrive before any value rather than as the first one.
 */
export interface SubscriptionOperation extends OperationBase {
  readonly kind: 'subscription';
  run(services: DomainServices, ctx: DomainContext, input: unknown): AsyncIterable<unknown> | Promise<AsyncIterable<unknown>>;
}

export type Operation = UnaryOperation | SubscriptionOperation;

/** The errors every operation that needs a caller can raise. */
export const AUTHED: readonly ErrorKind[] = ['UNAUTHENTICATED', 'VALIDATION'];
