import type { Request, RequestHandler, Response } from 'express';
import type { JsonSchema } from '../../contract/json-schema.js';
import { operationSchemas } from '../../contract/json-schema.js';
import { findOperation, type Operation } from '../../contract/operations.js';
import { DomainError } from '../../domain/errors.js';
import type { Caller } from '../../domain/principal.js';
import type { Page } from '../../domain/schemas.js';
import { coerceText } from '../shared/coerce.js';
import type { Invoker } from '../shared/invoker.js';
import type { Logger } from '../../infra/logger.js';
import { etagFor, ifMatchVersions, notModified } from './conditional.js';
import { markTokenRejected } from './errors.js';
import { negotiate, readPayload, type Negotiated } from './media.js';
import { bodyChanges, jsonPatchChanges } from './patch.js';
import { pageView, parseFields, withLinks } from './representation.js';
import { GETTERS, pathParams, RESOURCE_PATHS, XML_ROOTS, type RestRoute } from './routes.js';
import { toXml, type XmlReader } from './xml.js';

/** Everything about a route that does not depend on the request, worked out once. */
interface Plan {
  route: RestRoute;
  op: Operation;
  schema: JsonSchema;
  params: string[];
  /** Representation fields a PUT/PATCH body may carry back but cannot set. */
  readOnly: ReadonlySet<string>;
  /** What a JSON Patch may not change: read-only fields and the path's own ids. */
  immutable: ReadonlySet<string>;
  /** The operation takes `expectedVersion`, so `If-Match` applies. */
  conditional: boolean;
}

function plan(route: RestRoute): Plan {
  const op = findOperation(route.operation);
  if (!op) throw new Error(`REST route ${route.method} ${route.path} names unknown operation ${route.operation}`);
  const { input, output } = operationSchemas(op);
  const inputProps = Object.keys((input.properties ?? {}) as object);
  const defs = (output.$defs ?? {}) as Record<string, JsonSchema>;
  const ref = typeof output.$ref === 'string' ? output.$ref.split('/').pop()! : '';
  const outputProps = Object.keys((defs[ref]?.properties ?? {}) as object);
  const params = pathParams(route.path);
  const readOnly = new Set(route.method === 'post' ? [] : [...outputProps.filter((p) => !inputProps.includes(p)), 'links']);
  return {
    route,
    op,
    schema: input,
    params,
    readOnly,
    immutable: new Set([...readOnly, ...params]),
    conditional: inputProps.includes('expectedVersion'),
  };
}

export interface HandlerDeps {
  invoker: Invoker;
  log: Logger;
  xml: XmlReader;
  bodyLimitBytes: number;
}

/** Turns one route of the table into an express handler: HTTP in, operation call, HTTP out. */
export function routeHandler(route: RestRoute, deps: HandlerDeps): RequestHandler {
  const p = plan(route);
  const { invoker } = deps;
  const getter = GETTERS[route.resource];

  async function callerOf(req: Request): Promise<Caller> {
    if (p.op.access === 'public') return null;
    let caller: Caller;
    try {
      caller = await invoker.callerFrom(req.headers.authorization);
    } catch (err) {
      throw markTokenRejected(invoker.normalise(err));
    }
    // Refused before the body is read: anonymous callers cannot make us buffer uploads.
    if (!caller) throw new DomainError('UNAUTHENTICATED', 'Authentication required: send Authorization: Bearer <token>');
    return caller;
  }

  async function current(caller: Caller, params: Record<string, unknown>): Promise<Record<string, unknown>> {
    if (!getter) throw new Error(`no getter for ${route.resource}`);
    return (await invoker.invoke(getter, caller, params)) as Record<string, unknown>;
  }

  return async (req: Request, res: Response) => {
    const neg = negotiate(req);
    const caller = await callerOf(req);
    const rawParams = req.params as Record<string, string>;
    const params = coerceText(p.schema, rawParams) as Record<string, unknown>;
    const versions = p.conditional ? ifMatchVersions(req.headers['if-match']) : undefined;
    let input: Record<string, unknown> = params;
    let fields: string[] | undefined;
    let result: unknown;

    if (route.input === 'query') {
      const { fields: rawFields, ...query } = req.query as Record<string, unknown>;
      if (route.page) fields = parseFields(rawFields, route.resource);
      else if (rawFields !== undefined) query.fields = rawFields;
      input = { ...(coerceText(p.schema, query) as Record<string, unknown>), ...params };
    } else if (route.input === 'body') {
      const payload = await readPayload(req, deps.bodyLimitBytes, !!route.patch, deps.xml, p.schema);
      if (payload.kind === 'json-patch') {
        const now = await current(caller, params);
        if (versions && !versions.includes(now.version as number)) throw stale();
        const changes = jsonPatchChanges(now, payload.value, p.immutable);
        // The write is conditional on the version the patch was applied to.
        result = changes ? await invoker.invoke(p.op.name, caller, { ...changes, ...params, expectedVersion: now.version }) : now;
      } else {
        input = { ...bodyChanges(payload.value, p.readOnly, rawParams, payload.kind === 'merge-patch'), ...params };
      }
    }

    if (result === undefined) {
      if (versions?.length === 1) input.expectedVersion = versions[0];
      else if (versions) {
        const now = await current(caller, params);
        if (!versions.includes(now.version as number)) throw stale();
        input.expectedVersion = now.version;
      }
      result = await invoker.invoke(p.op.name, caller, input);
    }
    respond(req, res, p, neg, result, fields);
  };
}

const stale = () => new DomainError('PRECONDITION_FAILED', 'The resource has changed since the version named in If-Match');

function respond(req: Request, res: Response, p: Plan, neg: Negotiated, result: unknown, fields: string[] | undefined): void {
  const { route } = p;
  if (route.successStatus === 204) {
    res.writeHead(204);
    res.end();
    return;
  }
  const headers: Record<string, string> = { Vary: 'Accept' };
  const roots = XML_ROOTS[route.resource];
  if (route.page) {
    const q = req.url.indexOf('?');
    const view = pageView(route.resource, result as Page<unknown>, req.path, new URLSearchParams(q === -1 ? '' : req.url.slice(q + 1)), fields);
    headers.Link = view.link;
    return send(res, route.successStatus, neg, roots.many, view.body, headers);
  }
  const body = withLinks(route.resource, result);
  if (route.versioned) {
    const etag = etagFor(body.version as number, neg.format);
    headers.ETag = etag;
    headers['Cache-Control'] = 'private, no-cache';
    if (route.method === 'get' && notModified(req.headers['if-none-match'], body.version as number)) {
      res.writeHead(304, headers);
      res.end();
      return;
    }
  }
  if (route.resource === 'token') headers['Cache-Control'] = 'no-store';
  const base = RESOURCE_PATHS[route.resource];
  if (route.successStatus === 201 && base) headers.Location = `${base}${body.id}`;
  send(res, route.successStatus, neg, roots.one, body, headers);
}

export function send(res: Response, status: number, neg: Negotiated, root: string, body: unknown, headers: Record<string, string>): void {
  const text = neg.format === 'xml' ? toXml(root, body) : JSON.stringify(body);
  res.writeHead(status, { ...headers, 'Content-Type': neg.contentType, 'Content-Length': String(Buffer.byteLength(text)) });
  res.end(text);
}
