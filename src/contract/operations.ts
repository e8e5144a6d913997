import { AUTH_OPERATIONS } from './auth.js';
import { CATALOG_OPERATIONS } from './catalog.js';
import { EVENT_OPERATIONS } from './events.js';
import type { Operation } from './operation.js';
import { ORDER_OPERATIONS } from './orders.js';
import { USER_OPERATIONS } from './users.js';

export type { Access, DomainServices, Operation, SubscriptionOperation, TypedView, UnaryOperation } from './operation.js';
export { pascalName } from './naming.js';

/**
 * The one list of operations. Every facade, contract document (OpenAPI,
 * OpenRPC, WSDL, GraphQL schema) and the conformance suite enumerate it;
 * the order here is the order those documents list them in.
 */
export const OPERATIONS = [...AUTH_OPERATIONS, ...USER_OPERATIONS, ...ORDER_OPERATIONS, ...CATALOG_OPERATIONS, ...EVENT_OPERATIONS] as const satisfies readonly Operation[];

export type OperationName = (typeof OPERATIONS)[number]['name'];

export const OPERATION_NAMES: readonly OperationName[] = OPERATIONS.map((o) => o.name);

/** Operations answered with one value: what request/response styles (and the conformance matrix) call. */
export const UNARY_OPERATIONS = OPERATIONS.filter((o) => o.kind !== 'subscription') as Extract<(typeof OPERATIONS)[number], { kind: 'query' | 'mutation' }>[];

export type UnaryOperationName = (typeof UNARY_OPERATIONS)[number]['name'];

export const UNARY_OPERATION_NAMES: readonly UnaryOperationName[] = UNARY_OPERATIONS.map((o) => o.name);

const BY_NAME = new Map<string, Operation>(OPERATIONS.map((o) => [o.name, o]));

export function findOperation(name: string): Operation | undefined {
  return BY_NAME.get(name);
}
