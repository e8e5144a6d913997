import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { pathOf, sendJson, type HttpBinding, type RequestInfo } from '../protocols/shared/http.js';
import { AccessNotes } from '../runtime/context.js';
import type { Logger } from '../runtime/log.js';
import { divertHttp2, type PrefaceSniffer } from './h2c.js';

const REQUEST_ID = /^[\w.:-]{1,128}$/;
const HEALTHY = { status: 'ok' };
/** What the innermost step gives the hooks for a request answered synchronously (they may chain on it). */
const ANSWERED = Promise.resolve();

/**
 * Runs around every request before its binding (CORS, traces, request
 * metrics): call `next` to go on, or answer and return. `binding` names the
 * style that owns the path, if any.
 */
export type FrontDoorHook = (req: IncomingMessage, res: ServerResponse, next: () => Promise<void>, route: { readonly binding: string | undefined }) => Promise<void>;

/** How long a client may take to send its request headers, and its whole request (0: no limit); the response is not timed. */
export interface HttpTimeouts {
  readonly headersTimeoutMs: number;
  readonly requestTimeoutMs: number;
}

/** Node's defaults (60 s / 300 s, checked every 30 s) held a half-sent request for up to 90 s; these are the front door's. */
export const DEFAULT_HTTP_TIMEOUTS: HttpTimeouts = { headersTimeoutMs: 15_000, requestTimeoutMs: 30_000 };

/**
 * The node:http server of the front door, made before the app so the port is bound before any secret is touched.
 * Node answers an expired request 408 and closes the connection. Its clocks (llhttp's) run from the first byte of a
 * request until the request is complete, never over a response, so Server-Sent Events, long polls and upgraded
 * WebSockets outlive them. They are checked on an interval (30 s by default, which let a 60 s headers timeout hold a
 * slowloris for ~85 s): a second at most here, so a limit is kept to about that.
 */
export function createHttpServer(timeouts: HttpTimeouts = DEFAULT_HTTP_TIMEOUTS): Server {
  return createServer({
    keepAliveTimeout: 5_000,
    headersTimeout: timeouts.headersTimeoutMs,
    requestTimeout: timeouts.requestTimeoutMs,
    connectionsCheckingInterval: Math.max(100, Math.min(1_000, Math.floor(timeouts.headersTimeoutMs / 4))),
  });
}
/** How long an unread body may go on arriving after the answer, so the client reads the answer before a reset. */
const LINGER_MS = 1_000;

/**
 * A request answered before its body was read (401 before authentication, 413 from Content-Length, 415…): to
 * keep the connection Node would read and discard the rest, a declared 2 GB included. Close it instead, and
 * linger (RFC 9112 §9.6): closing a socket with unread data makes TCP send a reset, which can destroy the answer
 * before the client reads it. So the answer and a FIN go out, what still arrives is read and discarded for a
 * moment, then the socket is destroyed. A `Connection: close` answer (every style's 413) has already had Node
 * call `socket.destroySoon()`, which destroys at once when the FIN is out: that listener is taken off first.
 */
function closeUnread(req: IncomingMessage): void {
  const socket = req.socket;
  socket.removeListener('finish', socket.destroy);
  socket.end();
  setTimeout(() => socket.destroy(), LINGER_MS).unref();
}

type Step = (req: IncomingMessage, res: ServerResponse, info: RequestInfo, route: { readonly binding: string | undefined }) => Promise<void>;

/**
 * The request's logger, a pino child carrying its id, made only when something logs: pino serialises a child's
 * bindings and sets its level up front (some 4 µs), and most requests log nothing but the access line, which the
 * host writes through the root logger. A Proxy rather than a getter, because bindings spread the request info into
 * their call context and a spread would call the getter on every request.
 */
function lazyChild(parent: Logger, requestId: string): Logger {
  let child: Logger | undefined;
  const real = () => (child ??= parent.child({ requestId }));
  return new Proxy(parent, {
    get(_target, key) {
      const value = Reflect.get(real(), key) as unknown;
      return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(real()) : value;
    },
    set: (_target, key, value) => Reflect.set(real(), key, value),
  });
}

/**
 * Access lines never carry a bearer token sent in the URL (EventSource and WebSocket clients send `access_token=`).
 * A URL without a query is returned as it is: the replace was ~1 µs of every logged request (issue 18's profile).
 */
export const redactTokens = (url: string | undefined): string | undefined =>
  url === undefined || !url.includes('?') ? url : url.replace(/([?&]access_token=)[^&#]*/gi, '$1[redacted]');

export interface HttpHostOptions {
  log: Logger;
  /** Already listening (bound early at start); its placeholder request listeners are replaced. */
  server?: Server;
  /** Outermost first. */
  hooks?: readonly FrontDoorHook[];
  /** Asked in order for paths no exact entry claims. */
  bindings: readonly HttpBinding[];
  /** Readiness checks by name (storage, Redis…): each resolves when reachable. */
  probes: Readonly<Record<string, () => Promise<void>>>;
  /** Connections opening with the HTTP/2 preface (h2c, RFC 9113 §3.4) go here instead: gRPC on this port too. */
  http2?: (socket: Socket) => void;
  /** For the server made here when none is given (a given one was made with the same by `bindEarly`). */
  timeouts?: HttpTimeouts;
}

/**
 * The HTTP/1.1 front door: request ids and one access line per request (written here, see request()), health
 * probes, then a path table that hands each request to the binding that
 * owns its path — exact paths from a map, prefixes in order — before any
 * framework runs. WebSocket upgrades are routed by the same table.
 */
export class HttpHost {
  readonly server: Server;
  private readonly exact = new Map<string, HttpBinding>();
  private readonly prefixes: [string, HttpBinding][] = [];
  private stopping = false;
  private opened = false;
  private readonly chain: Step;
  private readonly connections = new WeakMap<Socket, AbortController>();
  private h2c: PrefaceSniffer | undefined;

  constructor(private readonly options: HttpHostOptions) {
    for (const b of options.bindings) {
      for (const p of b.paths) {
        if (this.exact.has(p)) throw new Error(`${b.name} and ${this.exact.get(p)!.name} both claim ${p}`);
        this.exact.set(p, b);
      }
      for (const p of b.prefixes ?? []) this.prefixes.push([p, b]);
    }
    this.server = options.server ?? createHttpServer(options.timeouts);
    // Composed once, not per request.
    this.chain = (options.hooks ?? []).reduceRight<Step>(
      (next, hook) => (req, res, info, route) => hook(req, res, () => next(req, res, info, route), route),
      (req, res, info) => this.dispatch(req, res, info) ?? ANSWERED,
    );
  }

  /**
   * Takes the server over from the start-up placeholder (503 + Retry-After, listener.ts): called once start-up
   * has finished (secrets, seeding, the demo password), not when the host is made. Taking over at construction let
   * a login right after the first 200 from /healthz on a new database meet an account not yet seeded.
   */
  open(): void {
    if (this.opened) return;
    this.opened = true;
    const { log, http2 } = this.options;
    this.server.removeAllListeners('request');
    this.server.on('request', (req: IncomingMessage, res: ServerResponse) => this.request(req, res));
    this.h2c = http2 ? divertHttp2(this.server, http2) : undefined;
    this.server.on('upgrade', (req, socket, head) => {
      const binding = this.bindingFor(pathOf(req.url));
      const info = { requestId: randomUUID(), log, notes: new AccessNotes(), peer: req.socket.remoteAddress };
      if (binding?.upgrade?.(req, socket, head, info)) return;
      socket.end('HTTP/1.1 404 Not Found\r\nX-Content-Type-Options: nosniff\r\nConnection: close\r\n\r\n');
    });
  }

  /**
   * Every request: its id (a well-formed X-Request-Id is kept, RFC 9110 leaves the header to us; otherwise a UUID),
   * echoed before anything else can answer, one 'close' listener for the access line, the abort signal and a
   * stopping server's connection, then the hooks and the path table.
   */
  private request(req: IncomingMessage, res: ServerResponse): void {
    const started = Date.now();
    if (this.stopping) res.setHeader('Connection', 'close');
    const incoming = req.headers['x-request-id'];
    const requestId = typeof incoming === 'string' && REQUEST_ID.test(incoming) ? incoming : randomUUID();
    res.setHeader('X-Request-Id', requestId);
    // Every answer, whatever writes it (errors, 404s, assets, streams), is read as the type it declares (MIME Sniffing §7).
    res.setHeader('X-Content-Type-Options', 'nosniff');
    const gone = this.connection(req.socket);
    // A plain object with every field set: bindings spread it into their call context.
    const info: RequestInfo = { requestId, log: lazyChild(this.options.log, requestId), notes: new AccessNotes(), signal: gone.signal, peer: req.socket.remoteAddress };
    // on, not once: a response emits 'close' once, and once() wraps the listener in another closure per request.
    res.on('close', () => {
      if (!res.writableFinished) gone.abort();
      // A request that was already in flight when the stop began: its connection must not idle on.
      else if (this.stopping) req.socket.end();
      else if (!req.complete) closeUnread(req);
      this.logAccess(req, res, info, Date.now() - started);
    });
    this.around(req, res, info);
  }

  /**
   * The abort signal of a connection's requests: it aborts when the connection closes, which for a request still
   * in flight is its client going away (HTTP/1.1 answers one request at a time on a connection, and a response
   * that closes unfinished takes its socket with it). One per connection rather than per request: an
   * AbortController is some 4 µs to make on Node 20, an eighth of a whole /healthz (issue 18's profile), and
   * only streams and waiting polls ever listen to it (they remove their listeners when they end).
   */
  private connection(socket: Socket): AbortController {
    let gone = this.connections.get(socket);
    if (!gone) {
      const made = new AbortController();
      socket.once('close', () => made.abort());
      this.connections.set(socket, (gone = made));
    }
    return gone;
  }

  /**
   * One line per request, written when the response ends: the request id
   * every response echoes in X-Request-Id, method, URL, status, time, and
   * what the runtime noted — the operations run (GraphQL operation name,
   * JSON-RPC methods, SOAP operation, REST route) and the principal — so
   * lines for /rpc or /soap are no longer all alike. Written by hand rather
   * than with pino-http: its child logger, serializers and per-request
   * closures cost more than the line itself, and this line is one small
   * object built only when info is enabled. Failures are logged with their
   * cause where they happen (the runtime); the access line stays one shape.
   */
  private logAccess(req: IncomingMessage, res: ServerResponse, info: RequestInfo, ms: number): void {
    const log = this.options.log;
    if (!log.isLevelEnabled('info')) return;
    const line = info.notes.addTo({ requestId: info.requestId, method: req.method, url: redactTokens(req.url), status: res.statusCode, ms });
    if (!res.writableFinished) line.aborted = true;
    log.info(line, 'request');
  }

  /**
   * Graceful stop: refuse new connections, end idle keep-alive ones, let
   * in-flight requests finish (each connection closes after its response),
   * and cut whatever is left after the timeout.
   */
  stop(timeoutMs: number): Promise<void> {
    this.stopping = true;
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    this.server.closeIdleConnections();
    this.h2c?.closeUndecided();
    const timer = setTimeout(() => this.server.closeAllConnections(), timeoutMs);
    return closed.finally(() => clearTimeout(timer));
  }

  private bindingFor(pathname: string): HttpBinding | undefined {
    return this.exact.get(pathname) ?? this.prefixFor(pathname);
  }

  private prefixFor(pathname: string): HttpBinding | undefined {
    for (const [prefix, binding] of this.prefixes) if (pathname.startsWith(prefix)) return binding;
    return undefined;
  }

  /**
   * The hooks, outermost first, then the path table. Not an async function: awaiting the chain would add a promise
   * and a microtask turn to every request, though only a failure needs handling here.
   */
  private around(req: IncomingMessage, res: ServerResponse, info: RequestInfo): void {
    let done: Promise<void> | void;
    try {
      done = this.options.hooks?.length ? this.chain(req, res, info, { binding: this.bindingFor(pathOf(req.url))?.name }) : this.dispatch(req, res, info);
    } catch (err) {
      return this.failed(err, res, info);
    }
    if (done && done !== ANSWERED) done.then(undefined, (err: unknown) => this.failed(err, res, info));
  }

  private failed(err: unknown, res: ServerResponse, info: RequestInfo): void {
    info.log.error({ err }, 'unhandled error in a front-door hook');
    if (!res.headersSent) sendJson(res, 500, { type: 'about:blank', title: 'Internal Server Error', status: 500 }, 'application/problem+json');
    else res.destroy();
  }

  /**
   * The probes, then the path table. Liveness is answered without an async frame of its own (load balancers and
   * orchestrators ask it several times a second); everything else goes on in route().
   */
  private dispatch(req: IncomingMessage, res: ServerResponse, info: RequestInfo): Promise<void> | void {
    const pathname = pathOf(req.url);
    if (pathname === '/healthz' || pathname === '/readyz') {
      // Probes only read (RFC 9110 §15.5.6: a 405 lists the methods the resource has).
      if (req.method !== 'GET' && req.method !== 'HEAD') {
        res.setHeader('Allow', 'GET, HEAD');
        return sendJson(res, 405, { type: 'about:blank', title: 'Method Not Allowed', status: 405, detail: `${pathname} answers GET and HEAD` }, 'application/problem+json');
      }
      return pathname === '/healthz' ? sendJson(res, 200, HEALTHY) : this.ready(res);
    }
    return this.route(req, res, info, pathname);
  }

  private async route(req: IncomingMessage, res: ServerResponse, info: RequestInfo, pathname: string): Promise<void> {
    try {
      const exact = this.exact.get(pathname);
      // An exact path may be shared by content negotiation: a binding that declines (false) hands over to the prefix owner.
      if (exact && (await exact.handle(req, res, info)) !== false) return;
      const binding = this.prefixFor(pathname);
      if (binding) return void (await binding.handle(req, res, info));
      sendJson(res, 404, { type: 'about:blank', title: 'Not Found', status: 404, detail: `No resource at ${pathname}` }, 'application/problem+json');
    } catch (err) {
      info.log.error({ err }, 'unhandled error in a binding');
      if (!res.headersSent) sendJson(res, 500, { type: 'about:blank', title: 'Internal Server Error', status: 500 }, 'application/problem+json');
      else res.destroy();
    }
  }

  private async ready(res: ServerResponse): Promise<void> {
    const status: Record<string, string> = {};
    let ok = true;
    for (const [name, probe] of Object.entries(this.options.probes)) {
      try {
        await probe();
        status[name] = 'ok';
      } catch {
        status[name] = 'unreachable';
        ok = false;
      }
    }
    sendJson(res, ok ? 200 : 503, { status: ok ? 'ready' : 'unavailable', ...status });
  }
}
