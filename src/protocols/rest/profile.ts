import { parse as parseQuery } from 'node:querystring';
import { operationSchemas } from '../../contract/json-schema.js';
import { findOperation } from '../../contract/operations.js';
import { DomainError } from '../../domain/errors.js';
import { msg, type Language } from '../../domain/i18n/index.js';
import type { Page } from '../../domain/shapes.js';
import type { CallContext } from '../../runtime/context.js';
import { bearer, fromAuthorization, type Credentials } from '../../runtime/credentials.js';
import type { Runtime } from '../../runtime/invoker.js';
import { coerceText } from '../shared/coerce.js';
import { pathOf, queryOf, type HttpReply } from '../shared/http.js';
import { HttpProblem, renderProblem } from './errors.js';
import { readJsonObject } from './media.js';
import { bodyChanges } from './patch.js';
import { listRequest, renamed } from './query.js';
import type { RestHandler, RestRequest } from './request.js';
import { MAX_PER_PAGE } from './spec.js';

/**
 * The source material's own REST API (000, lines 81–196, a Flask app), as a
 * thin profile at the root so its client (lines 198–284) runs unchanged:
 *
 *   POST /auth {username, password} → {"token": …}      401 {"message"} on bad credentials
 *   GET  /users → {"users": [{id, name, email}, …]}      POST /users → 201 + the user
 *   GET|PUT|PATCH /users/{id} → the user                  DELETE /users/{id} → 204
 *   404 {"message"} for a user that does not exist; every user route needs the token,
 *   sent as the whole Authorization value (as that client does) or as "Bearer …".
 *
 * Nothing here decides anything: each route calls the operation the
 * `/api/v1` route calls (login, listUsers, createUser, getUser, updateUser,
 * patchUser, deleteUser) through the same runtime, and only reshapes the
 * answer — so rules, validation, limits and events are the same ones. Only
 * the paths, the bodies and the error format (`{"message"}` instead of
 * problem details) are the source material's.
 */
export const PROFILE_PATHS = ['/auth', '/users'] as const;
export const PROFILE_PREFIXES = ['/users/'] as const;

export const isProfilePath = (pathname: string): boolean =>
  (PROFILE_PATHS as readonly string[]).includes(pathname.replace(/\/$/, '').toLowerCase()) || pathname.toLowerCase().startsWith('/users/');

/** The source's user object: exactly id, name and email (a member the caller may not see stays out). */
function sourceUser(user: unknown): Record<string, unknown> {
  const u = user as Record<string, unknown>;
  const out: Record<string, unknown> = { id: u.id, name: u.name };
  if (u.email !== undefined) out.email = u.email;
  return out;
}

/** Its client sends the token as the whole header value; Bearer works too. */
function credentials(header: string | undefined): Credentials {
  const value = header?.trim();
  if (value && !/^bearer\s/i.test(value) && /^[\w.~+/=-]+$/.test(value)) return bearer(value);
  return fromAuthorization(header);
}

const json = (status: number, body: unknown, headers: Record<string, string> = {}): HttpReply => ({
  status,
  headers: { ...headers, 'Content-Type': 'application/json' },
  body: JSON.stringify(body),
});

/** The profile's failures: the status /api/v1 would give, the source's `{message}` body (plus `errors` for invalid input). */
export function profileError(err: DomainError | HttpProblem, url: string, requestId: string, lang: Language): HttpReply {
  const rendered = renderProblem(err, url, requestId, lang);
  const body: Record<string, unknown> = { message: rendered.body.detail ?? rendered.body.title };
  if (rendered.body.errors) body.errors = rendered.body.errors;
  return json(rendered.status, body, { ...rendered.headers, 'Content-Language': lang, Vary: 'Accept-Language', 'Cache-Control': 'no-store' });
}

const readJson = (req: RestRequest, limit: number) => readJsonObject(req.headers, (n) => req.body(n), limit);

/** Flask's `<int:user_id>`: anything else in that place is a path that does not exist. */
function userId(params: Record<string, string>, req: RestRequest): number {
  if (!/^[1-9]\d{0,14}$/.test(params.id ?? '')) throw new DomainError('NOT_FOUND', msg('rest.noResource', { path: pathOf(req.url) }));
  return Number(params.id);
}

export function profileHandlers(runtime: Runtime, bodyLimitBytes: number): RestHandler[] {
  const listUsers = findOperation('listUsers')!;
  const as = (ctx: CallContext, req: RestRequest): CallContext => ({ ...ctx, credentials: credentials(req.headers.authorization) });
  const needsCaller = async (ctx: CallContext) => {
    // Refused before any body is read, as /api/v1 does; the source's own words for a missing token.
    if (!(await runtime.authenticate(ctx))) throw new DomainError('UNAUTHENTICATED', msg('rest.profileTokenMissing'));
  };
  return [
    {
      method: 'POST',
      path: '/auth',
      async handle(_p, req, ctx) {
        const { username, password } = await readJson(req, bodyLimitBytes);
        const token = (await runtime.call('login', ctx, { username, password })) as { access_token: string };
        return json(200, { token: token.access_token }, { 'Cache-Control': 'no-store' });
      },
    },
    {
      method: 'GET',
      path: '/users',
      async handle(_p, req, ctx) {
        const c = as(ctx, req);
        const listSchema = operationSchemas(listUsers).input;
        const list = listRequest(parseQuery(queryOf(req.url)) as Record<string, unknown>, 'user', listSchema);
        const input = { limit: MAX_PER_PAGE, ...(coerceText(listSchema, list.input) as Record<string, unknown>) };
        let page: Page<unknown>;
        try {
          page = (await runtime.call('listUsers', c, input)) as Page<unknown>;
        } catch (err) {
          throw renamed(err, list.renames);
        }
        // The source lists every user; past one page the rest is a Link away.
        const headers: Record<string, string> = {};
        if (page.total !== undefined && page.offset + page.limit < page.total) headers.Link = `</users?limit=${page.limit}&offset=${page.offset + page.limit}>; rel="next"`;
        return json(200, { users: page.items.map(sourceUser) }, headers);
      },
    },
    {
      method: 'POST',
      path: '/users',
      async handle(_p, req, ctx) {
        const c = as(ctx, req);
        await needsCaller(c);
        const user = sourceUser(await runtime.call('createUser', c, await readJson(req, bodyLimitBytes)));
        return json(201, user, { Location: `/users/${user.id}` });
      },
    },
    {
      method: 'GET',
      path: '/users/:id',
      async handle(params, req, ctx) {
        return json(200, sourceUser(await runtime.call('getUser', as(ctx, req), { id: userId(params, req) })));
      },
    },
    ...(['PUT', 'PATCH'] as const).map(
      (method): RestHandler => ({
        method,
        path: '/users/:id',
        async handle(params, req, ctx) {
          const c = as(ctx, req);
          const id = userId(params, req);
          await needsCaller(c);
          // A client may send back the object it read: an id that agrees with the URL is fine.
          const changes = bodyChanges(await readJson(req, bodyLimitBytes), new Set(), { id }, false);
          return json(200, sourceUser(await runtime.call(method === 'PUT' ? 'updateUser' : 'patchUser', c, { ...changes, id })));
        },
      }),
    ),
    {
      method: 'DELETE',
      path: '/users/:id',
      async handle(params, req, ctx) {
        await runtime.call('deleteUser', as(ctx, req), { id: userId(params, req) });
        return { status: 204, headers: {} };
      },
    },
  ];
}
