import type { IncomingMessage, ServerResponse } from 'node:http';
import cors from 'cors';
import type { FrontDoorHook } from './http.js';

export interface CorsOptions {
  /** Allowed origins (scheme://host[:port]); `*` allows any origin. Empty = CORS off. */
  origins: readonly string[];
  /** Allow cookies and Authorization on cross-origin requests (never with `*`; config refuses that). */
  credentials: boolean;
  /** How long a browser may cache a preflight answer (Access-Control-Max-Age). */
  maxAgeSeconds: number;
}

/** Response headers a browser script may read besides the CORS-safelisted ones. */
const EXPOSED = ['ETag', 'Location', 'Link', 'Retry-After', 'WWW-Authenticate', 'X-Request-Id', 'traceresponse'];

type Middleware = (req: IncomingMessage, res: ServerResponse, next: (err?: unknown) => void) => void;

/**
 * CORS for every style on the front door, with the `cors` package (the
 * express ecosystem's; it only needs node:http's request and response).
 * Off unless CORS_ORIGINS names origins. A preflight (OPTIONS with
 * Access-Control-Request-Method, Fetch standard §4.8) from an allowed
 * origin is answered here with 204 for any path — /graphql and /rpc
 * included; a request without an Origin header is not a CORS request and
 * passes untouched; a disallowed origin gets no CORS headers, so the
 * browser withholds the response.
 */
export function corsHook(options: CorsOptions): FrontDoorHook | undefined {
  if (!options.origins.length) return undefined;
  const any = options.origins.includes('*');
  const allowed = new Set(options.origins);
  const middleware = cors({
    origin: any ? '*' : (origin, done) => done(null, origin !== undefined && allowed.has(origin)),
    credentials: options.credentials,
    maxAge: options.maxAgeSeconds,
    methods: ['GET', 'HEAD', 'PUT', 'PATCH', 'POST', 'DELETE'],
    exposedHeaders: EXPOSED,
  }) as Middleware;
  return (req, res, next) => {
    if (req.headers.origin === undefined) return next();
    return new Promise<void>((resolve, reject) => {
      middleware(req, res, (err) => (err ? reject(err) : next().then(resolve, reject)));
      // A preflight answered by the middleware never calls back.
      if (res.writableEnded) resolve();
    });
  };
}
