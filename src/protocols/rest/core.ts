import { parse as parseQuery } from 'node:querystring';
import FindMyWay from 'find-my-way';
import { operationSchemas, type JsonSchema } from '../../contract/json-schema.js';
import { findOperation, type Operation } from '../../contract/operations.js';
import { DomainError } from '../../domain/errors.js';
import type { DomainEvent, EventBus } from '../../domain/events.js';
import { msg } from '../../domain/i18n/index.js';
import type { Page } from '../../domain/shapes.js';
import { createContext, type CallContext, type ContextInit } from '../../runtime/context.js';
import { fromAuthorization } from '../../runtime/credentials.js';
import type { Runtime } from '../../runtime/invoker.js';
import { negotiateLanguage } from '../../runtime/language.js';
import { coerceText } from '../shared/coerce.js';
import { pathOf, queryOf, type HttpReply } from '../shared/http.js';
import { ChangeClock, collectionOf, etagFor, ifMatchVersions, validated } from './conditional.js';
import { buildOpenApi } from './docs.js';
import { HttpProblem, invalid, markTokenRejected, renderProblem, unreadable } from './errors.js';
import { DocsExplorer } from './explorer.js';
import { negotiate, negotiateForProblem, readPayload, type Negotiated } from './media.js';
import { bodyChanges, jsonPatchChanges } from './patch.js';
import { preferredHandling } from './prefer.js';
import { jobHandlers } from './jobs.js';
import { isProfilePath, profileError, profileHandlers } from './profile.js';
import { listRequest, MAX_PER_PAGE, renamed, type ListRequest } from './query.js';
import { bulkView, feedView, pageView, withLinks } from './representation.js';
import type { RestHandler, RestRequest } from './request.js';
import { scalarHandlers } from './scalars.js';
import { allowedMethods, API_BASE, DOCS_PATH, GETTERS, pathParams, RESOURCE_PATHS, routerPath, ROUTES, XML_ROOTS, type RestRoute } from './spec.js';
import { toXml, XmlReader } from './xml.js';

export type { RestRequest };

export interface RestOptions {
  bodyLimitBytes: number;
  xmlMaxDepth: number;
  /** Domain events tell the collections' Last-Modified clock about changes; without a bus it is the start time. */
  events?: Pick<EventBus, 'subscribe'> | undefined;
}


/** What the binding knows of the request besides its HTTP content (request id, log, signal…). */
export type RestCallInit = Omit<ContextInit, 'style' | 'credentials'>;

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

/** A route's plan is worked out on its first request (its JSON Schemas are ~1 ms per operation to derive; issue 18: cold start). */
type Target = { kind: 'route'; route: RestRoute; op: Operation; plan?: Plan } | { kind: 'handler'; handler: RestHandler } | { kind: 'openapi' } | { kind: 'root' };

function routeTarget(route: RestRoute): Target {
  const op = findOperation(route.operation);
  if (!op) throw new Error(`REST route ${route.method} ${route.path} names unknown operation ${route.operation}`);
  return { kind: 'route', route, op };
}

function plan(route: RestRoute, op: Operation): Plan {
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

const ROOT_LINKS = {
  links: {
    self: API_BASE,
    token: `${API_BASE}/auth/token`,
    users: `${API_BASE}/users`,
    products: `${API_BASE}/products`,
    exports: `${API_BASE}/exports`,
    events: `${API_BASE}/events`,
    openapi: `${API_BASE}/openapi.json`,
    docs: DOCS_PATH,
  },
};

const stale = () => new DomainError('PRECONDITION_FAILED', msg('rest.stale'));

/**
 * The token endpoint as an OAuth 2.0 password grant (RFC 6749 §4.3.2), so
 * Swagger UI's Authorize dialog and OAuth clients can log in: a form with
 * grant_type=password, username, password. Scope and client identification
 * (client_id, client_secret, or Basic client credentials in Authorization,
 * which login ignores) carry nothing here: there are no scopes or clients.
 */
function passwordGrant(form: Record<string, unknown>): Record<string, unknown> {
  const { grant_type: grant, scope: _scope, client_id: _id, client_secret: _secret, ...rest } = form;
  if (grant !== undefined && grant !== 'password') throw invalid('grant_type', msg('rest.grantType'));
  return rest;
}

/**
 * The framework-free REST core: a request record in, a reply record out.
 * The route table (spec.ts) is data, so one radix router (find-my-way)
 * serves it, the OpenAPI document is generated from it, and the bindings —
 * node:http for the gateway, express for mounting polyface into an existing
 * app — stay a few dozen lines each. Routing follows express's defaults
 * (case-insensitive, a trailing slash allowed, HEAD served by GET routes)
 * so the move from express changed nothing a client can see.
 */
export class RestCore {
  private readonly router = FindMyWay({ ignoreTrailingSlash: true, caseSensitive: false });
  /** Each path template of the table, for `Allow` on 405 and OPTIONS. */
  private readonly paths = FindMyWay({ ignoreTrailingSlash: true, caseSensitive: false });
  private readonly xml: XmlReader;
  private readonly explorer = new DocsExplorer();
  /** The OpenAPI document, made on its first request (not at start; issue 18). */
  private openapiText: Buffer | undefined;
  private get openapi(): Buffer {
    return (this.openapiText ??= Buffer.from(JSON.stringify(buildOpenApi())));
  }
  private readonly clock = new ChangeClock();

  constructor(
    private readonly runtime: Runtime,
    private readonly options: RestOptions,
  ) {
    this.xml = new XmlReader(options.xmlMaxDepth);
    options.events?.subscribe((e) => this.clock.onEvent(e));
    const noop = () => {};
    for (const route of ROUTES) this.router.on(route.method.toUpperCase() as 'GET', API_BASE + routerPath(route.path), noop, routeTarget(route));
    this.router.on('GET', `${API_BASE}/openapi.json`, noop, { kind: 'openapi' } satisfies Target);
    this.router.on('GET', API_BASE, noop, { kind: 'root' } satisfies Target);
    for (const [path, methods] of allowedMethods()) this.paths.on('GET', API_BASE + routerPath(path), noop, { allow: [...methods, 'OPTIONS'].join(', ') });
    const extra = new Map<string, string[]>();
    const handlers = [...scalarHandlers(runtime, this.clock), ...jobHandlers(runtime, options.bodyLimitBytes), ...profileHandlers(runtime, options.bodyLimitBytes)];
    for (const handler of handlers) {
      this.router.on(handler.method, handler.path, noop, { kind: 'handler', handler } satisfies Target);
      extra.set(handler.path, [...(extra.get(handler.path) ?? []), ...(handler.method === 'GET' ? ['GET', 'HEAD'] : [handler.method])]);
    }
    for (const [path, methods] of extra) this.paths.on('GET', path, noop, { allow: [...methods, 'OPTIONS'].join(', ') });
  }

  /** Whether a path is the REST face's (the API, its docs page, the source material's profile). */
  owns(pathname: string): boolean {
    return pathname === '/api' || pathname.startsWith('/api/') || pathname === DOCS_PATH || pathname.startsWith(`${DOCS_PATH}/`) || isProfilePath(pathname);
  }

  async handle(req: RestRequest, init: RestCallInit): Promise<HttpReply> {
    const ctx = createContext({
      ...init,
      style: 'rest',
      credentials: fromAuthorization(req.headers.authorization),
      language: negotiateLanguage(req.headers['accept-language']),
    });
    try {
      return await this.dispatch(req, ctx);
    } catch (err) {
      return this.problem(err, req, ctx);
    }
  }

  private async dispatch(req: RestRequest, ctx: CallContext): Promise<HttpReply> {
    const pathname = pathOf(req.url);
    const docs = this.explorer.reply(pathname, req.method, firstHeader(req.headers['accept-encoding']));
    if (docs) return docs;
    const found = this.router.find(req.method === 'HEAD' ? 'GET' : (req.method as 'GET'), pathname);
    if (found) {
      const target = found.store as Target;
      if (target.kind === 'route') return this.route((target.plan ??= plan(target.route, target.op)), found.params as Record<string, string>, req, ctx);
      if (target.kind === 'handler') return target.handler.handle(found.params as Record<string, string>, req, ctx);
      if (target.kind === 'openapi') {
        return { status: 200, headers: { 'Content-Type': 'application/json; charset=utf-8', 'Cache-Control': 'no-cache' }, body: this.openapi };
      }
      return this.send(200, negotiate(req.headers), 'api', ROOT_LINKS, { Vary: 'Accept' });
    }
    const known = this.paths.find('GET', pathname);
    if (known) {
      const { allow } = known.store as { allow: string };
      if (req.method === 'OPTIONS') return { status: 204, headers: { Allow: allow } };
      throw new HttpProblem(405, msg('rest.methodNotAllowed', { method: req.method, path: pathname, allow }), { Allow: allow });
    }
    if (!decodable(pathname)) throw unreadable('(request)', msg('rest.malformedRequestField'));
    throw new DomainError('NOT_FOUND', msg('rest.noResource', { path: pathname }));
  }

  /** One route of the table: HTTP in, operation call, HTTP out. */
  private async route(p: Plan, rawParams: Record<string, string>, req: RestRequest, ctx: CallContext): Promise<HttpReply> {
    const { route } = p;
    const runtime = this.runtime;
    const neg = negotiate(req.headers);
    if (p.op.access !== 'public') {
      let caller;
      try {
        caller = await runtime.authenticate(ctx);
      } catch (err) {
        throw markTokenRejected(runtime.normalise(err, ctx));
      }
      // Refused before the body is read: anonymous callers cannot make us buffer uploads.
      if (!caller) throw new DomainError('UNAUTHENTICATED', msg('rest.authRequired'));
    }
    const params = coerceText(p.schema, { ...rawParams }) as Record<string, unknown>;
    const versions = p.conditional ? ifMatchVersions(firstHeader(req.headers['if-match'])) : undefined;
    const current = async (): Promise<Record<string, unknown>> => {
      const getter = GETTERS[route.resource];
      if (!getter) throw new Error(`no getter for ${route.resource}`);
      return (await runtime.call(getter, ctx, params)) as Record<string, unknown>;
    };
    let input: Record<string, unknown> = params;
    let list: ListRequest | undefined;
    let result: unknown;

    if (route.input === 'query') {
      const query = parseQuery(queryOf(req.url)) as Record<string, unknown>;
      // Collections take every list syntax (query.ts); other routes rename their public parameters and split lists.
      if (route.page) list = listRequest(query, route.resource, p.schema);
      input = { ...(coerceText(p.schema, list?.input ?? publicQuery(query, route, p.schema)) as Record<string, unknown>), ...params };
    } else {
      const token = route.resource === 'token';
      const payload = await readPayload(req.headers, (limit) => req.body(limit), this.options.bodyLimitBytes, !!route.patch, this.xml, p.schema, token);
      if (payload.kind === 'form') {
        input = { ...passwordGrant(payload.value), ...params };
      } else if (payload.kind === 'json-patch') {
        const now = await current();
        if (versions && !versions.includes(now.version as number)) throw stale();
        const changes = jsonPatchChanges(now, payload.value, p.immutable);
        // The write is conditional on the version the patch was applied to.
        result = changes ? await runtime.call(p.op.name, ctx, { ...changes, ...params, expectedVersion: now.version }) : now;
      } else {
        input = { ...bodyChanges(payload.value, p.readOnly, rawParams, payload.kind === 'merge-patch'), ...params };
      }
    }
    const preference = route.bulk ? preferredHandling(req.headers.prefer, input) : undefined;

    if (result === undefined) {
      if (versions?.length === 1) input.expectedVersion = versions[0];
      else if (versions) {
        const now = await current();
        if (!versions.includes(now.version as number)) throw stale();
        input.expectedVersion = now.version;
      }
      try {
        result = await runtime.call(p.op.name, ctx, input);
      } catch (err) {
        throw list ? renamed(err, list.renames) : err;
      }
    }
    if (list?.paging.style === 'page' && (result as Page<unknown>).total !== undefined) {
      // 003, line ~244: asking for a page past the last one is a 404, not an empty page.
      const { total, limit } = result as Page<unknown> & { total: number };
      const last = Math.max(1, Math.ceil(total / limit));
      if (list.paging.page! > last) throw new DomainError('NOT_FOUND', msg('rest.pastLastPage', { page: list.paging.page!, last }));
    }
    const reply = this.respond(req, p, neg, result, list);
    return preference ? { ...reply, headers: { ...reply.headers, 'Preference-Applied': `handling=${preference}` } } : reply;
  }

  private respond(req: RestRequest, p: Plan, neg: Negotiated, result: unknown, list: ListRequest | undefined): HttpReply {
    const { route } = p;
    if (route.successStatus === 204) return { status: 204, headers: {} };
    const headers: Record<string, string> = { Vary: 'Accept' };
    const roots = XML_ROOTS[route.resource];
    if (route.feed) {
      const view = feedView(result as { events: DomainEvent[]; next: string }, pathOf(req.url), new URLSearchParams(queryOf(req.url)));
      headers.Link = view.link;
      headers['Cache-Control'] = 'no-store';
      return this.send(route.successStatus, neg, roots.many, view.body, headers);
    }
    if (route.bulk) {
      const view = bulkView(result, route.bulk.itemStatus);
      // RFC 4918 §13: 207 when the items' outcomes differ; each item carries its own status.
      return this.send(view.failed ? 207 : route.successStatus, neg, roots.one, view.body, headers);
    }
    const collection = collectionOf(route.resource);
    if (route.page) {
      const view = pageView(route.resource, result as Page<unknown>, pathOf(req.url), new URLSearchParams(queryOf(req.url)), {
        fields: list?.fields,
        style: list?.paging.style,
        count: list?.count,
        maxPerPage: MAX_PER_PAGE,
      });
      headers.Link = view.link;
      const reply = this.send(route.successStatus, neg, roots.many, view.body, headers);
      return collection ? validated(req.headers, reply, undefined, this.clock.last(collection)) : reply;
    }
    const body = withLinks(route.resource, result);
    if (route.versioned) {
      headers.ETag = etagFor(body.version as number, neg.format);
      headers['Cache-Control'] = 'private, no-cache';
    }
    if (route.resource === 'token') headers['Cache-Control'] = 'no-store';
    const base = RESOURCE_PATHS[route.resource];
    if (route.successStatus === 201 && base) headers.Location = `${base}${body.id}`;
    const reply = this.send(route.successStatus, neg, roots.one, body, headers);
    if (route.method !== 'get' || !collection) return reply;
    // Users say when they changed; orders never change after creation; products only the catalogue's clock knows.
    const modified = route.resource === 'user' ? Date.parse(String(body.updatedAt)) : route.resource === 'order' ? Date.parse(String(body.createdAt)) : this.clock.last(collection);
    return validated(req.headers, reply, headers.ETag, modified);
  }

  private send(status: number, neg: Negotiated, root: string, body: unknown, headers: Record<string, string>): HttpReply {
    const text = neg.format === 'xml' ? toXml(root, body) : JSON.stringify(body);
    return { status, headers: { ...headers, 'Content-Type': neg.contentType }, body: text };
  }

  /** RFC 9457 problem details, in XML when the client plainly asked for XML; never a stack or an internal message. */
  private problem(err: unknown, req: RestRequest, ctx: CallContext): HttpReply {
    const failure = err instanceof DomainError || err instanceof HttpProblem ? err : this.runtime.normalise(err, ctx);
    if (isProfilePath(pathOf(req.url))) return profileError(failure, req.url, ctx.requestId, ctx.language);
    const problem = renderProblem(failure, req.url, ctx.requestId, ctx.language);
    const neg = negotiateForProblem(req.headers);
    const text = neg.format === 'xml' ? toXml('problem', problem.body, 'urn:ietf:rfc:7807') : JSON.stringify(problem.body);
    const headers = {
      ...problem.headers,
      'Content-Type': neg.problemType,
      'Content-Language': ctx.language,
      Vary: 'Accept, Accept-Language',
      'Cache-Control': 'no-store',
    };
    return { status: problem.status, headers, body: text };
  }
}

/**
 * Query parameters as the input names them: a route's public names
 * (`wait` → waitSeconds) are renamed, and a list field given as one
 * comma-separated value (`types=user.created,order.created`) or repeated
 * (`types=a&types=b`) becomes a list.
 */
function publicQuery(query: Record<string, unknown>, route: RestRoute, schema: JsonSchema): Record<string, unknown> {
  const props = (schema.properties ?? {}) as Record<string, JsonSchema>;
  const out: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(query)) {
    const field = route.query?.[name] ?? name;
    const list = props[field]?.type === 'array';
    out[field] = list ? [value].flat().flatMap((v) => String(v).split(',')).filter((v) => v !== '') : value;
  }
  return out;
}

function firstHeader(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

function decodable(path: string): boolean {
  try {
    decodeURIComponent(path);
    return true;
  } catch {
    return false;
  }
}
