import { fileURLToPath } from 'node:url';
// grpc-js's status enum from its constants module alone: the package's index loads all of grpc-js (and with it
// protobufjs), which a start that serves no gRPC yet does not need (issue 18: gRPC is loaded on its first connection).
import { Status as status } from '@grpc/grpc-js/build/src/constants.js';
import type { Options } from '@grpc/proto-loader';
import type { OperationName } from '../../contract/operations.js';
import type { ErrorKind } from '../../domain/errors.js';

export { status as GrpcStatus };
export { buildMessageModel, fromDomain, METHOD_OF, toDomain, type GrpcModel } from './messages.js';

/**
 * The published face of the gRPC style: where the .proto files are, the
 * names in them, how they are loaded, and what each error kind becomes.
 * Importable by clients (src/clients/grpc.ts) as well as the server.
 */

/** proto/ at the repository root: the same relative place from src/ and from a compiled dist/. */
export const PROTO_DIR = fileURLToPath(new URL('../../../proto/', import.meta.url));

/** The source material's file, byte for byte: `package user; service UserService`. */
export const SEED_PROTO = 'user.proto';
export const SEED_SERVICE = 'user.UserService';

/** Every operation of the contract, generated from it (docs.ts; `npx tsx scripts/write-proto.ts`). */
export const FULL_PROTO = 'polyface/v1/polyface.proto';
export const FULL_PACKAGE = 'polyface.v1';

/**
 * Which service of the full package serves each operation. A Record, so a
 * new operation does not compile until it has a home here.
 */
export type FullService = 'AuthService' | 'UserService' | 'OrderService' | 'ProductService' | 'EventService';
export const SERVICE_OF = {
  login: 'AuthService',
  getUser: 'UserService',
  listUsers: 'UserService',
  createUser: 'UserService',
  updateUser: 'UserService',
  patchUser: 'UserService',
  deleteUser: 'UserService',
  bulkCreateUsers: 'UserService',
  bulkPatchUsers: 'UserService',
  bulkDeleteUsers: 'UserService',
  listUserOrders: 'OrderService',
  getOrder: 'OrderService',
  createOrder: 'OrderService',
  getOrderStats: 'OrderService',
  listProducts: 'ProductService',
  getProduct: 'ProductService',
  createProduct: 'ProductService',
  updateProduct: 'ProductService',
  deleteProduct: 'ProductService',
  getEvents: 'EventService',
  watchEvents: 'EventService',
} as const satisfies Record<OperationName, FullService>;

/**
 * How both sides turn wire messages into JavaScript objects (proto-loader,
 * i.e. protobufjs' toObject): field names in lowerCamelCase, enums by name,
 * 64-bit integers as decimal strings (no precision lost before validation),
 * plain fields at their proto3 default when absent, `optional` fields absent
 * when not sent — so explicit presence survives into the domain input.
 */
export const LOADER_OPTIONS: Options = {
  keepCase: false,
  longs: String,
  enums: String,
  defaults: true,
  arrays: true,
  oneofs: false,
  includeDirs: [PROTO_DIR],
};

/**
 * Domain error kinds → gRPC status codes (grpc/doc/statuscodes.md). Typed as
 * a Record so a new kind does not compile until it is mapped here.
 */
export const STATUS_OF: Record<ErrorKind, status> = {
  NOT_FOUND: status.NOT_FOUND,
  CONFLICT: status.ALREADY_EXISTS,
  VALIDATION: status.INVALID_ARGUMENT,
  UNAUTHENTICATED: status.UNAUTHENTICATED,
  FORBIDDEN: status.PERMISSION_DENIED,
  PRECONDITION_FAILED: status.FAILED_PRECONDITION,
  RATE_LIMITED: status.RESOURCE_EXHAUSTED,
  INTERNAL: status.INTERNAL,
};

/** The status's canonical name, e.g. 5 → "NOT_FOUND". */
export const statusName = (code: number): string => status[code] ?? String(code);

/** Trailers every failed call carries. */
export const TRAILERS = {
  /** The canonical error kind in plain text, for clients that do not decode the rich status. */
  errorKind: 'error-kind',
  /** google.rpc.Status (with BadRequest, ErrorInfo, RetryInfo details), the richer error model. */
  statusDetails: 'grpc-status-details-bin',
  /** The seed's ListUsers stream: where the next call continues (absent on the last page). */
  nextPageToken: 'next-page-token',
  /** The language the status message and field descriptions are in (as HTTP's Content-Language). */
  contentLanguage: 'content-language',
} as const;

/** Request metadata read by the server; `accept-language` chooses the language of error messages (en, ru). */
export const METADATA = { authorization: 'authorization', requestId: 'x-request-id', acceptLanguage: 'accept-language' } as const;

/** ErrorInfo.domain on every error (AIP-193): the service that raised it. */
export const ERROR_DOMAIN = 'polyface.dev';

/** The seed's ListUsers paging: default and largest `page_size`. */
export const SEED_PAGE = { defaultSize: 10, maxSize: 100 } as const;

const snake = (s: string) => s.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toLowerCase();
const camel = (s: string) => s.replace(/_([a-z0-9])/g, (_m, c: string) => c.toUpperCase());

/**
 * A domain field path ("items.0.quantity", "expectedVersion") as
 * google.rpc.BadRequest spells it: proto field names joined by dots,
 * repeated elements indexed in brackets ("items[0].quantity", "expected_version").
 */
export function protoFieldPath(domainPath: string): string {
  let out = '';
  for (const part of domainPath.split('.')) {
    if (/^\d+$/.test(part) && out) out += `[${part}]`;
    else out += (out ? '.' : '') + snake(part);
  }
  return out;
}

/** The reverse of protoFieldPath, for clients that compare with other styles. */
export function domainFieldPath(protoPath: string): string {
  return protoPath
    .replace(/\[(\d+)\]/g, '.$1')
    .split('.')
    .map(camel)
    .join('.');
}
