import { z } from 'zod';
import { productOut } from '../../domain/catalog/schemas.js';
import type { DomainEvent } from '../../domain/events.js';
import { orderOut, type Order } from '../../domain/orders/schemas.js';
import type { Page } from '../../domain/shapes.js';
import type { UserBulkResult } from '../../domain/users/bulk.js';
import { userOut } from '../../domain/users/schemas.js';
import { msg } from '../../domain/i18n/index.js';
import { invalid, KIND_STATUS } from './errors.js';
import { API_BASE, type Resource } from './spec.js';

/**
 * Hypermedia (HATEOAS, as the source material asks): every resource carries
 * `links`, an object from relation name to a path on this server. Paths are
 * host-relative so they stay right behind proxies without trusting `Host`.
 */
export type Links = Record<string, string>;

type Item = Record<string, unknown>;

const LINKERS: Record<Resource, (v: Item) => Item> = {
  user: (u) => ({ ...u, links: { self: `${API_BASE}/users/${u.id}`, orders: `${API_BASE}/users/${u.id}/orders` } }),
  product: (p) => ({ ...p, links: { self: `${API_BASE}/products/${p.id}` } }),
  order: (o) => ({
    ...o,
    items: (o as unknown as Order).items.map((i) => ({ ...i, links: { product: `${API_BASE}/products/${i.productId}` } })),
    links: { self: `${API_BASE}/orders/${o.id}`, user: `${API_BASE}/users/${o.userId}` },
  }),
  token: (t) => t,
  event: (e) => restEvent(e as unknown as DomainEvent),
  bulk: (r) => ({ ...r, items: (r.items as Item[]).map((i) => (i.user ? { ...i, user: LINKERS.user(i.user as Item) } : i)) }),
  stats: (s) => s,
};

/** The resource kind an event type is about ("order.created" → order). */
const KIND_OF: Record<string, Resource> = { user: 'user', order: 'order', product: 'product' };

/**
 * An event as the REST face shows it (long polling and Server-Sent Events
 * alike): the envelope, with `data` carrying the same links the resource's
 * own URL would; a deletion's `{ id }` has none, there is nothing to link to.
 */
export function restEvent(e: DomainEvent): Item {
  const kind = KIND_OF[e.type.split('.')[0]!];
  const data = kind && !e.type.endsWith('.deleted') ? LINKERS[kind](e.data as Item) : e.data;
  return { id: e.id, type: e.type, occurredAt: e.occurredAt, data };
}

export const withLinks = (resource: Resource, value: unknown): Item => LINKERS[resource](value as Item);

/** Properties of each resource that are scalars, for `GET …/{id}/{field}` (an order's `items` is not one). */
export function scalarFields(resource: Resource): ReadonlySet<string> {
  const shape = { user: userOut.shape, product: productOut.shape, order: orderOut.shape, token: {}, event: {}, bulk: {}, stats: {} }[resource] as Record<string, z.ZodType>;
  return new Set(Object.entries(shape).filter(([, s]) => !(s instanceof z.ZodArray)).map(([k]) => k));
}

/** Paging, order and selection mean nothing to a `…/count`; only filters do. */
export const NOT_FOR_COUNT = ['limit', 'offset', 'page', 'perPage', '$top', '$skip', 'sort', 'sortBy', '$orderby', 'fields', '$select', '$count'];

/** Field names `fields=` may select, per resource: the domain's output fields. */
export const SELECTABLE: Record<Resource, ReadonlySet<string>> = {
  user: new Set(Object.keys(userOut.shape)),
  product: new Set(Object.keys(productOut.shape)),
  order: new Set(Object.keys(orderOut.shape)),
  token: new Set(),
  event: new Set(),
  bulk: new Set(),
  stats: new Set(),
};

/** `fields=id,name` (or `$select=`) → the names, checked; undefined when absent. */
export function parseFields(raw: unknown, resource: Resource, param = 'fields'): string[] | undefined {
  if (raw === undefined) return undefined;
  if (typeof raw !== 'string') throw invalid(param, msg('rest.fieldsOnce'));
  const names = raw.split(',').map((f) => f.trim());
  const allowed = SELECTABLE[resource];
  const unknown = names.filter((n) => !allowed.has(n));
  if (unknown.length) throw invalid(param, msg('rest.fieldsUnknown', { names: unknown.map((u) => `"${u}"`).join(', '), allowed: [...allowed].join(', ') }));
  return names;
}

/** Keeps the selected fields; `links` always stays, it is how a client moves on. */
function select(item: Item, fields: string[] | undefined): Item {
  if (!fields) return item;
  const out: Item = {};
  for (const f of fields) out[f] = item[f];
  out.links = item.links;
  return out;
}

/** Which paging parameters a request used (query.ts): ours, the source material's, or OData's. */
export type PagingStyle = 'offset' | 'page' | 'odata';

/** The source material's pagination block (003, lines ~178–196), beside our own `page`. */
export interface Pagination {
  totalRecords: number;
  totalPages: number;
  currentPage: number;
  perPage: number;
  maxPerPage: number;
}

export interface PageView {
  body: {
    data: Item[];
    page: { limit: number; offset: number; total?: number; nextCursor?: string };
    pagination?: Pagination;
    count?: number;
    links: Links;
  };
  /** RFC 8288 `Link` header value. */
  link: string;
}

export interface PageOptions {
  fields?: string[] | undefined;
  /** Which paging parameters the links use: the ones the client used. */
  style?: PagingStyle;
  /** `$count=true`. */
  count?: boolean;
  maxPerPage: number;
}

/** The paging parameters of a link to the page at `offset`, in the client's own syntax. */
function pagingParams(style: PagingStyle, limit: number, offset: number): [string, string][] {
  if (style === 'page') return [['page', String(Math.floor(offset / limit) + 1)], ['perPage', String(limit)]];
  if (style === 'odata') return [['$top', String(limit)], ['$skip', String(offset)]];
  return [['limit', String(limit)], ['offset', String(offset)]];
}

/**
 * A page as `{data, page, pagination, links}` plus the same navigation in a
 * `Link` header. Links keep every other query parameter (filters, sort,
 * fields) and speak the paging syntax the request used.
 */
export function pageView(resource: Resource, page: Page<unknown>, path: string, query: URLSearchParams, options: PageOptions): PageView {
  const { limit, offset, total, nextCursor } = page;
  const style = options.style ?? 'offset';
  const href = (q: URLSearchParams) =>
    // Commas and dollars are legal in a query (RFC 3986 sub-delims); keeping them makes sort, fields and $top readable.
    `${path}?${q.toString().replace(/%2C/gi, ',').replace(/%24/g, '$')}`;
  const at = (o: number) => {
    const q = new URLSearchParams(query);
    q.delete('cursor');
    for (const [k, v] of pagingParams(style, limit, o)) q.set(k, v);
    return href(q);
  };
  // The keyset continuation: the same query, the cursor instead of any offset (cursor paging starts where the cursor says).
  const after = (cursor: string) => {
    const q = new URLSearchParams(query);
    for (const name of ['offset', '$skip', 'page']) q.delete(name);
    q.set('cursor', cursor);
    return href(q);
  };
  const data = page.items.map((i) => select(withLinks(resource, i), options.fields));
  const body: PageView['body'] = { data, page: { limit, offset }, links: {} };
  if (total === undefined || query.has('cursor')) {
    // Keyset paging, or a page that was not counted: no last page or page numbers to give, only where to go on (RFC 8288 "next").
    const links: Links = { self: href(query), first: at(0) };
    if (nextCursor) links.next = after(nextCursor);
    if (total !== undefined) body.page.total = total;
    if (nextCursor) body.page.nextCursor = nextCursor;
    body.links = links;
  } else {
    const lastOffset = total === 0 ? 0 : Math.floor((total - 1) / limit) * limit;
    const links: Links = { self: at(offset), first: at(0), last: at(lastOffset) };
    if (offset + limit < total) links.next = at(offset + limit);
    if (offset > 0) links.prev = at(Math.max(0, Math.min(offset - limit, lastOffset)));
    body.page.total = total;
    if (nextCursor) body.page.nextCursor = nextCursor;
    body.pagination = {
      totalRecords: total,
      totalPages: Math.ceil(total / limit),
      currentPage: Math.floor(offset / limit) + 1,
      perPage: limit,
      maxPerPage: options.maxPerPage,
    };
    body.links = links;
  }
  if (options.count && total !== undefined) body.count = total;
  const link = Object.entries(body.links)
    .map(([rel, h]) => `<${h}>; rel="${rel}"`)
    .join(', ');
  return { body, link };
}

export interface FeedView {
  body: { data: Item[]; links: Links };
  link: string;
}

/** A batch of events: `{data, links: {self, next}}`; `next` repeats the query with `after` moved on, so polling is following it. */
export function feedView(batch: { events: DomainEvent[]; next: string }, path: string, query: URLSearchParams): FeedView {
  const q = new URLSearchParams(query);
  q.set('after', batch.next);
  const self = query.size ? `${path}?${query.toString().replace(/%2C/gi, ',')}` : path;
  const links: Links = { self, next: `${path}?${q.toString().replace(/%2C/gi, ',')}` };
  return { body: { data: batch.events.map(restEvent), links }, link: `<${links.next}>; rel="next"` };
}

/**
 * A bulk call's result with, on each item, the HTTP status it would have
 * had as a request of its own: `itemStatus` on success, the error kind's
 * status on failure (so a client reads one code per item, as in a
 * WebDAV multistatus, RFC 4918 §13).
 */
export function bulkView(result: unknown, itemStatus: number): { body: Item; failed: number } {
  const r = result as UserBulkResult;
  const items = r.items.map(({ index, ok, ...rest }) => ({ index, ok, status: rest.error ? KIND_STATUS[rest.error.kind].status : itemStatus, ...rest }));
  return { body: withLinks('bulk', { ...r, items }), failed: r.failed };
}
