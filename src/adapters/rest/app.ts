import type { IncomingMessage } from 'node:http';
import express, { type ErrorRequestHandler, type Express, type Request, type Response } from 'express';
import { DomainError, toDomainError } from '../../domain/errors.js';
import type { RequestContext } from '../shared/http.js';
import { docsRouter } from './docs.js';
import { expressStatus, HttpProblem, renderProblem } from './errors.js';
import { routeHandler, send, type HandlerDeps } from './handler.js';
import { negotiate, negotiateForProblem } from './media.js';
import { buildOpenApi } from './openapi.js';
import { allowedMethods, API_BASE, expressPath, ROUTES } from './routes.js';
import { toXml } from './xml.js';

/** Where the per-request context from the front door is found by express handlers. */
export const contexts = new WeakMap<IncomingMessage, RequestContext>();

const ROOT_LINKS = {
  links: {
    self: API_BASE,
    token: `${API_BASE}/auth/token`,
    users: `${API_BASE}/users`,
    products: `${API_BASE}/products`,
    openapi: `${API_BASE}/openapi.json`,
    docs: '/docs',
  },
};

/**
 * The express application, built once: one route per entry of the route
 * table, 405 + Allow for the other methods on those paths, the OpenAPI
 * document, the docs page, and a single error handler that writes RFC 9457
 * problem details. No body-parsing middleware: bodies are read only by the
 * routes that take one, after authentication.
 */
export function buildRestApp(deps: HandlerDeps): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);

  const openapi = Buffer.from(JSON.stringify(buildOpenApi()));
  app.get(`${API_BASE}/openapi.json`, (_req, res) => {
    res.writeHead(200, { 'Content-Type': 'application/json; charset=utf-8', 'Content-Length': String(openapi.length), 'Cache-Control': 'no-cache' });
    res.end(openapi);
  });
  app.get(API_BASE, (req, res) => send(res, 200, negotiate(req), 'api', ROOT_LINKS, { Vary: 'Accept' }));

  for (const route of ROUTES) app[route.method](API_BASE + expressPath(route.path), routeHandler(route, deps));

  for (const [path, methods] of allowedMethods()) {
    const allow = [...methods, 'OPTIONS'].join(', ');
    app.all(API_BASE + expressPath(path), (req, res) => {
      if (req.method === 'OPTIONS') {
        res.writeHead(204, { Allow: allow });
        res.end();
        return;
      }
      throw new HttpProblem(405, `${req.method} is not allowed on ${req.path}; allowed: ${allow}`, { Allow: allow });
    });
  }

  app.use(docsRouter());
  app.use((req) => {
    throw new DomainError('NOT_FOUND', `No resource at ${req.path}`);
  });
  app.use(problemHandler(deps));
  return app;
}

function problemHandler(deps: HandlerDeps): ErrorRequestHandler {
  return (err: unknown, req: Request, res: Response, _next) => {
    const ctx = contexts.get(req);
    let failure: unknown = err;
    if (!(err instanceof DomainError) && !(err instanceof HttpProblem)) {
      const status = expressStatus(err);
      failure =
        status === undefined
          ? toDomainError(err)
          : status === 400
            ? new DomainError('VALIDATION', 'Malformed request', { fields: [{ field: '(request)', message: 'malformed request' }] })
            : new HttpProblem(status, 'Request refused');
      // Failures outside the Invoker (which logs its own) are logged here, with the request id.
      if (status === undefined) (ctx?.log ?? deps.log).error({ err }, 'unexpected error in REST facade');
    }
    if (res.headersSent) {
      res.destroy();
      return;
    }
    const requestId = ctx?.requestId ?? String(res.getHeader('X-Request-Id') ?? '');
    const problem = renderProblem(failure, req.originalUrl, requestId);
    const neg = negotiateForProblem(req);
    const text = neg.format === 'xml' ? toXml('problem', problem.body, 'urn:ietf:rfc:7807') : JSON.stringify(problem.body);
    res.writeHead(problem.status, {
      ...problem.headers,
      'Content-Type': neg.problemType,
      'Content-Length': String(Buffer.byteLength(text)),
      'Cache-Control': 'no-store',
    });
    res.end(text);
  };
}
