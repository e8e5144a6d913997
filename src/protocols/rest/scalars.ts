import { parse as parseQuery } from 'node:querystring';
import Negotiator from 'negotiator';
import { operationSchemas } from '../../contract/json-schema.js';
import { findOperation } from '../../contract/operations.js';
import { DomainError } from '../../domain/errors.js';
import { msg } from '../../domain/i18n/index.js';
import type { Page } from '../../domain/shapes.js';
import type { CallContext } from '../../runtime/context.js';
import type { Runtime } from '../../runtime/invoker.js';
import { coerceText } from '../shared/coerce.js';
import { pathOf, queryOf, type HttpReply } from '../shared/http.js';
import { collectionOf, validated, type ChangeClock } from './conditional.js';
import { invalid } from './errors.js';
import { negotiate } from './media.js';
import { listRequest, renamed } from './query.js';
import type { RestHandler, RestRequest } from './request.js';
import { NOT_FOR_COUNT, scalarFields } from './representation.js';
import { API_BASE, GETTERS, routerPath, ROUTES } from './spec.js';
import { toXml } from './xml.js';

/**
 * Scalar sub-resources (source 003, lines ~94–100): one property of a
 * resource (`GET /api/v1/users/1/name`) and the size of a collection
 * (`GET /api/v1/users/count`, honouring the same filters as the collection
 * in any of its syntaxes). Both are reads of the existing operations —
 * getUser, listUsers… — so access rules and filters are theirs.
 *
 * The value is a JSON scalar (`"Alice"`, `12`), an XML element
 * (`<name>Alice</name>`), or plain text when `Accept: text/plain` prefers it.
 */


function scalarReply(req: RestRequest, name: string, value: unknown): HttpReply {
  const accept = req.headers.accept;
  if (accept && /text\/plain/i.test(accept)) {
    const chosen = new Negotiator(req).mediaType(['application/json', 'text/plain', 'application/xml']);
    if (chosen === 'text/plain') return { status: 200, headers: { 'Content-Type': 'text/plain; charset=utf-8', Vary: 'Accept' }, body: String(value) };
  }
  const neg = negotiate(req.headers);
  const body = neg.format === 'xml' ? toXml(name, value) : JSON.stringify(value);
  return { status: 200, headers: { 'Content-Type': neg.contentType, Vary: 'Accept' }, body };
}

export function scalarHandlers(runtime: Runtime, clock: ChangeClock): RestHandler[] {
  const handlers: RestHandler[] = [];
  for (const route of ROUTES) {
    if (route.method !== 'get') continue;
    const collection = collectionOf(route.resource);
    if (route.page && collection) {
      const op = findOperation(route.operation)!;
      handlers.push({
        method: 'GET',
        path: `${API_BASE}${routerPath(route.path)}/count`,
        async handle(params: Record<string, string>, req: RestRequest, ctx: CallContext) {
          // Derived on first use and cached (not at start; issue 18).
          const schema = operationSchemas(op).input;
          const query = parseQuery(queryOf(req.url)) as Record<string, unknown>;
          const extra = NOT_FOR_COUNT.find((n) => query[n] !== undefined);
          if (extra) throw invalid(extra, msg('rest.countFiltersOnly'));
          const list = listRequest(query, route.resource, schema);
          const input = { ...(coerceText(schema, list.input) as Record<string, unknown>), ...coerceText(schema, params) as object, limit: 1, offset: 0 };
          let page: Page<unknown>;
          try {
            page = (await runtime.call(op.name, ctx, input)) as Page<unknown>;
          } catch (err) {
            throw renamed(err, list.renames);
          }
          return validated(req.headers, scalarReply(req, 'count', page.total), undefined, clock.last(collection));
        },
      });
    }
    const getter = GETTERS[route.resource];
    if (!route.page && getter === route.operation && collection) {
      const fields = scalarFields(route.resource);
      const op = findOperation(getter)!;
      handlers.push({
        method: 'GET',
        path: `${API_BASE}${routerPath(route.path)}/:field`,
        async handle(params: Record<string, string>, req: RestRequest, ctx: CallContext) {
          const schema = operationSchemas(op).input;
          const { field, ...ids } = params;
          if (!fields.has(field!)) throw new DomainError('NOT_FOUND', msg('rest.noResource', { path: pathOf(req.url) }));
          const record = (await runtime.call(getter, ctx, coerceText(schema, ids))) as Record<string, unknown>;
          // A property the caller may not see is, to them, a property that is not there.
          if (record[field!] === undefined) throw new DomainError('NOT_FOUND', msg('rest.noResource', { path: pathOf(req.url) }));
          const modified = route.resource === 'user' ? Date.parse(String(record.updatedAt)) : route.resource === 'order' ? Date.parse(String(record.createdAt)) : clock.last(collection);
          return validated(req.headers, scalarReply(req, field!, record[field!]), undefined, modified);
        },
      });
    }
  }
  return handlers;
}
