import type { OperationName } from '../../contract/operations.js';
import type { ErrorKind } from '../../domain/errors.js';

/** Everything under this prefix is the REST facade's; paths below are relative to it. */
export const API_BASE = '/api/v1';

export type HttpMethod = 'get' | 'post' | 'put' | 'patch' | 'delete';

/** What a route's successful answer is: shapes decide links, paging and XML element names. */
export type Resource = 'user' | 'product' | 'order' | 'token' | 'event' | 'bulk' | 'stats';

export interface RestRoute {
  readonly method: HttpMethod;
  /** OpenAPI template; each `{name}` is also the name of the operation's input field it fills. */
  readonly path: string;
  readonly operation: OperationName;
  readonly successStatus: 200 | 201 | 204;
  /**
   * Where the input beyond the path parameters comes from: the query string
   * (text, typed by the operation's schema) or the body. Unknown query
   * parameters reach the domain, which names them as unknown fields.
   */
  readonly input: 'query' | 'body';
  readonly resource: Resource;
  /** A page of resources: `{data, page, links}`, `Link` header, `fields=` selection. */
  readonly page?: true;
  /** The body is a patch document applied to the current representation (RFC 7396 / RFC 6902). */
  readonly patch?: true;
  /**
   * The resource has a `version`: answers carry an `ETag` and GET honours
   * `If-None-Match`. `If-Match` works wherever the operation's input has
   * `expectedVersion` (derived from its schema, not flagged here).
   */
  readonly versioned?: true;
  /** A batch of events after a cursor: `{data, links: {self, next}}`, where `next` continues after the last one. */
  readonly feed?: true;
  /** Query parameter names that differ from the input field they fill (public name → field). */
  readonly query?: Readonly<Record<string, string>>;
  /**
   * An operation on several objects: the answer lists each item with the
   * status it would have had as a request of its own (`itemStatus` on
   * success), and is 207 Multi-Status when any item failed.
   * `Prefer: handling=strict|lenient` (RFC 7240 §4.4) chooses the strategy.
   */
  readonly bulk?: { readonly itemStatus: 200 | 201 | 204 };
}

/**
 * The REST surface as data: the router, the OpenAPI document and the
 * REST client are all generated from this one list, so none can drift from
 * the others. Every operation in OPERATIONS appears exactly once (tested).
 */
export const ROUTES: readonly RestRoute[] = [
  { method: 'post', path: '/auth/token', operation: 'login', successStatus: 200, input: 'body', resource: 'token' },
  { method: 'get', path: '/users', operation: 'listUsers', successStatus: 200, input: 'query', resource: 'user', page: true },
  { method: 'post', path: '/users', operation: 'createUser', successStatus: 201, input: 'body', resource: 'user', versioned: true },
  { method: 'get', path: '/users/{id}', operation: 'getUser', successStatus: 200, input: 'query', resource: 'user', versioned: true },
  { method: 'put', path: '/users/{id}', operation: 'updateUser', successStatus: 200, input: 'body', resource: 'user', versioned: true },
  {
    method: 'patch',
    path: '/users/{id}',
    operation: 'patchUser',
    successStatus: 200,
    input: 'body',
    resource: 'user',
    patch: true,
    versioned: true,
  },
  { method: 'delete', path: '/users/{id}', operation: 'deleteUser', successStatus: 204, input: 'query', resource: 'user', versioned: true },
  { method: 'post', path: '/users/bulk', operation: 'bulkCreateUsers', successStatus: 201, input: 'body', resource: 'bulk', bulk: { itemStatus: 201 } },
  { method: 'patch', path: '/users/bulk', operation: 'bulkPatchUsers', successStatus: 200, input: 'body', resource: 'bulk', bulk: { itemStatus: 200 } },
  // Not DELETE: content in a DELETE request has no generally defined semantics (RFC 9110 §9.3.5), and each item carries its own expectedVersion.
  { method: 'post', path: '/users/bulk-delete', operation: 'bulkDeleteUsers', successStatus: 200, input: 'body', resource: 'bulk', bulk: { itemStatus: 204 } },
  {
    method: 'get',
    path: '/users/{userId}/orders',
    operation: 'listUserOrders',
    successStatus: 200,
    input: 'query',
    resource: 'order',
    page: true,
  },
  { method: 'post', path: '/users/{userId}/orders', operation: 'createOrder', successStatus: 201, input: 'body', resource: 'order' },
  { method: 'get', path: '/orders/{id}', operation: 'getOrder', successStatus: 200, input: 'query', resource: 'order' },
  { method: 'get', path: '/products', operation: 'listProducts', successStatus: 200, input: 'query', resource: 'product', page: true },
  { method: 'post', path: '/products', operation: 'createProduct', successStatus: 201, input: 'body', resource: 'product' },
  { method: 'get', path: '/products/{id}', operation: 'getProduct', successStatus: 200, input: 'query', resource: 'product' },
  { method: 'put', path: '/products/{id}', operation: 'updateProduct', successStatus: 200, input: 'body', resource: 'product' },
  { method: 'delete', path: '/products/{id}', operation: 'deleteProduct', successStatus: 204, input: 'query', resource: 'product' },
  // Long polling. The same URL streams Server-Sent Events for `Accept: text/event-stream` (protocols/events/).
  { method: 'get', path: '/events', operation: 'getEvents', successStatus: 200, input: 'query', resource: 'event', feed: true, query: { wait: 'waitSeconds' } },
  { method: 'get', path: '/stats/orders', operation: 'getOrderStats', successStatus: 200, input: 'query', resource: 'stats' },
];

/** The most items a page may have (the list operations' `limit` maximum), announced as `maxPerPage`. */
export const MAX_PER_PAGE = 100;

/** Names of the `{placeholders}` in a path template, in order. */
export function pathParams(path: string): string[] {
  return [...path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]!);
}

/** "/users/{id}" → "/users/:id" (find-my-way's syntax). */
export const routerPath = (path: string): string => path.replace(/\{(\w+)\}/g, ':$1');

/** Fills a template from values, URL-encoding each. */
export function fillPath(path: string, values: Record<string, unknown>): string {
  return path.replace(/\{(\w+)\}/g, (_, name: string) => encodeURIComponent(String(values[name])));
}

/** Methods each distinct path answers, for `Allow` on 405 and OPTIONS. */
export function allowedMethods(): Map<string, string[]> {
  const byPath = new Map<string, string[]>();
  for (const r of ROUTES) {
    const list = byPath.get(r.path) ?? [];
    list.push(r.method.toUpperCase());
    if (r.method === 'get') list.push('HEAD');
    byPath.set(r.path, list);
  }
  return byPath;
}

/** Where a resource lives, for `Location` and `links.self`. */
export const RESOURCE_PATHS: Record<Resource, string | null> = {
  user: `${API_BASE}/users/`,
  product: `${API_BASE}/products/`,
  order: `${API_BASE}/orders/`,
  token: null,
  event: null,
  bulk: null,
  stats: null,
};

/** Element names for XML documents: one resource, and a page of them. */
export const XML_ROOTS: Record<Resource, { one: string; many: string }> = {
  user: { one: 'user', many: 'users' },
  product: { one: 'product', many: 'products' },
  order: { one: 'order', many: 'orders' },
  token: { one: 'token', many: 'tokens' },
  event: { one: 'events', many: 'events' },
  bulk: { one: 'bulkResult', many: 'bulkResults' },
  stats: { one: 'orderStats', many: 'orderStats' },
};

/** The read that returns a resource's current state (for If-Match lists and JSON Patch). */
export const GETTERS: Record<Resource, OperationName | null> = {
  user: 'getUser',
  product: 'getProduct',
  order: 'getOrder',
  token: null,
  event: null,
  bulk: null,
  stats: null,
};

/**
 * DomainError kinds → HTTP. VALIDATION — input that is well-formed but
 * invalid (field errors, unknown fields, paging out of range) — is 422
 * Unprocessable Content (RFC 9110 §15.5.21), with `errors[]` naming each
 * field, as the source material asks (003, 422 with field errors). A request
 * that cannot even be read (malformed JSON or XML, a malformed JSON Patch
 * document, an unparsable `$filter`) is 400 Bad Request instead: the REST
 * core raises those as `MalformedRequest` (errors.ts), still of kind
 * VALIDATION so every other style and client sees one kind.
 */
export const KIND_STATUS: Record<ErrorKind, { status: number; title: string }> = {
  NOT_FOUND: { status: 404, title: 'Not Found' },
  CONFLICT: { status: 409, title: 'Conflict' },
  VALIDATION: { status: 422, title: 'Unprocessable Content' },
  UNAUTHENTICATED: { status: 401, title: 'Unauthorized' },
  FORBIDDEN: { status: 403, title: 'Forbidden' },
  PRECONDITION_FAILED: { status: 412, title: 'Precondition Failed' },
  RATE_LIMITED: { status: 429, title: 'Too Many Requests' },
  INTERNAL: { status: 500, title: 'Internal Server Error' },
};

/** RFC 9457 `type` for domain problems; protocol-level ones use about:blank. */
export const problemType = (kind: ErrorKind): string => `urn:polyface:problem:${kind.toLowerCase().replace(/_/g, '-')}`;

/** Where the Swagger UI page lives. */
export const DOCS_PATH = '/docs';
