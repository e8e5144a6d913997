import type { IncomingMessage, ServerResponse } from 'node:http';
import type { FrontDoorHook } from './http.js';

type Middleware = (req: IncomingMessage, res: ServerResponse, next: (err?: unknown) => void) => void;

/**
 * gzip/br response compression for every style at once (source 002, line
 * 962: "compress with gzip"), one of the front door's hooks. The
 * `compression` middleware (it only needs node:http's request and response)
 * negotiates the coding from Accept-Encoding (RFC 9110 §12.5.3), adds
 * `Vary: Accept-Encoding` and leaves alone HEAD, 304s, bodies below the
 * threshold and responses marked `Cache-Control: no-transform`
 * (RFC 9111 §5.2.2.6). Event streams are never compressed: SSE on
 * /api/v1/events and graphql-sse must reach the client event by event, and
 * a compressor buffers until it has a block. WebSocket upgrades never come
 * through here (they are the server's `upgrade` event, not a request),
 * nor do the front door's own answers (probes, 404s; see below).
 */
export function compressionHook(thresholdBytes: number): FrontDoorHook {
  // The middleware is loaded with the first request that offers a coding: compression, compressible and the
  // mime-db table it reads are not needed before (issue 18, cold start and idle memory).
  let middleware: Middleware | undefined;
  let loading: Promise<Middleware> | undefined;
  const made = async (): Promise<Middleware> => {
    const compression = (await import('compression')).default;
    return (middleware = compression({
      threshold: thresholdBytes,
      filter: (req, res) => !isEventStream(res) && compression.filter(req, res),
    }) as unknown as Middleware);
  };
  const load = () => (loading ??= made());
  const run = (wrap: Middleware, req: IncomingMessage, res: ServerResponse, next: () => Promise<void>) =>
    new Promise<void>((resolve, reject) => {
      wrap(req, res, (err) => (err ? reject(err) : next().then(resolve, reject)));
    });
  return (req, res, next, route) => {
    // What the front door answers itself — the probes, a 404 for a path no style owns — is a line of JSON, and
    // the same whatever the client accepts: no middleware, no Vary. A probe from a client that offers gzip (Go's
    // and undici's do by default) then neither wraps writeHead/write/end nor, as a start's first request, loads
    // the middleware and its MIME table (issue 18, cold start).
    if (route.binding === undefined) return next();
    // A client that offers none of the codings (no Accept-Encoding, or only identity) gets what the middleware
    // would give it — the body as written — without its per-response wrapping of writeHead, write and end (some
    // 4 µs of every request, issue 18). Vary is still sent (RFC 9110 §12.5.5): the answer depends on this header.
    if (!CODINGS.test(req.headers['accept-encoding'] ?? '')) {
      res.setHeader('Vary', 'Accept-Encoding');
      return next();
    }
    return middleware ? run(middleware, req, res, next) : load().then((m) => run(m, req, res, next));
  };
}

/** What the middleware can produce (br, gzip, deflate) or a wildcard, however weighted: it then negotiates. */
const CODINGS = /\b(?:br|gzip|deflate)\b|\*/i;

const isEventStream = (res: ServerResponse): boolean => /^\s*text\/event-stream\b/i.test(String(res.getHeader('Content-Type') ?? ''));
