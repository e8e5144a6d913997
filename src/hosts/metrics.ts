import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { collectDefaultMetrics, Gauge, type Registry } from 'prom-client';
import { pathOf, sendJson, type HttpBinding, type RequestInfo } from '../protocols/shared/http.js';
import { createContext } from '../runtime/context.js';
import { fromAuthorization, password, type Credentials } from '../runtime/credentials.js';
import { FastHistogram, secondsSince } from '../runtime/histogram.js';
import type { Runtime } from '../runtime/invoker.js';
import type { FrontDoorHook } from './http.js';

export const METRICS_PATH = '/metrics';

const METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']);
const STATEMENTS = new Set(['select', 'insert', 'update', 'delete']);
/** Status codes as label values, made once. */
const STATUS: readonly string[] = Array.from({ length: 600 }, (_, i) => String(i));

/**
 * Gateway-level series, beside the runtime's per-call ones
 * (runtime/interceptors/metrics.ts): HTTP requests by style, method and
 * status; open HTTP connections and WebSockets per endpoint; storage
 * query time by statement kind; and prom-client's process and event-loop
 * series (`nodejs_eventloop_lag_seconds` and its percentiles).
 */
export class GatewayMetrics {
  private readonly requests: FastHistogram<'style' | 'method' | 'status'>;
  private readonly storage: FastHistogram<'statement'>;
  private readonly servers = new Set<Server>();

  constructor(
    readonly registry: Registry,
    websockets: () => ReadonlyMap<string, number>,
  ) {
    collectDefaultMetrics({ register: registry });
    this.requests = new FastHistogram(
      'polyface_http_request_duration_seconds',
      'HTTP requests on the front door by style (the binding that owned the path), method and status',
      ['style', 'method', 'status'] as const,
      [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 10],
      registry,
    );
    this.storage = new FastHistogram(
      'polyface_storage_query_duration_seconds',
      'Storage statements by kind (select, insert, update, delete, other)',
      ['statement'] as const,
      [0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.05, 0.25],
      registry,
    );
    const servers = this.servers;
    new Gauge({
      name: 'polyface_open_connections',
      help: 'Open client connections: HTTP on the front door (transport="http"), WebSockets per endpoint (transport="websocket")',
      labelNames: ['transport', 'endpoint'] as const,
      registers: [registry],
      async collect() {
        this.reset();
        let http = 0;
        for (const server of servers) http += await new Promise<number>((resolve) => server.getConnections((_e, n) => resolve(n ?? 0)));
        this.set({ transport: 'http', endpoint: 'front-door' }, http);
        for (const [endpoint, n] of websockets()) this.set({ transport: 'websocket', endpoint }, n);
      },
    });
  }

  /** Counts the connections of a server in polyface_open_connections. */
  watch(server: Server): void {
    this.servers.add(server);
  }

  /** Times every request on the front door, labelled once the response is finished. */
  readonly hook: FrontDoorHook = (req, res, next, route) => {
    const start = performance.now();
    // on, not once: 'close' is emitted once, and once() wraps every listener in a closure of its own.
    res.on('close', () => {
      const method = METHODS.has(req.method ?? '') ? req.method! : 'other';
      this.requests.observe([route.binding ?? 'host', method, STATUS[res.statusCode] ?? String(res.statusCode)], secondsSince(start));
    });
    return next();
  };

  /** For QueryCounter.onQuery: a statement's time, labelled by its first keyword. */
  readonly observeQuery = (seconds: number, sql: string): void => {
    const word = /^\s*(\w+)/.exec(sql)?.[1]?.toLowerCase() ?? 'other';
    this.storage.observe([STATEMENTS.has(word) ? word : 'other'], seconds);
  };
}

/** `Authorization: Basic` (RFC 7617) as a username and password, so a Prometheus `basic_auth` block works; otherwise Bearer. */
export function metricsCredentials(header: string | undefined): Credentials {
  const basic = /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(header ?? '');
  if (!basic) return fromAuthorization(header);
  const text = Buffer.from(basic[1]!, 'base64').toString('utf8');
  const colon = text.indexOf(':');
  return colon < 0 ? { scheme: 'invalid', reason: 'Basic credentials must be username:password' } : password(text.slice(0, colon), text.slice(colon + 1));
}

async function exposition(registry: Registry, res: ServerResponse, method: string | undefined): Promise<void> {
  const text = await registry.metrics();
  res.writeHead(200, { 'Content-Type': registry.contentType, 'Content-Length': Buffer.byteLength(text), 'Cache-Control': 'no-store' });
  res.end(method === 'HEAD' ? undefined : text);
}

function notGet(req: IncomingMessage, res: ServerResponse): boolean {
  if (req.method === 'GET' || req.method === 'HEAD') return false;
  res.setHeader('Allow', 'GET, HEAD');
  sendJson(res, 405, { type: 'about:blank', title: 'Method Not Allowed', status: 405, detail: 'Use GET' }, 'application/problem+json');
  return true;
}

/**
 * /metrics on the front door, for administrators only: a bearer token of
 * an admin, or the admin's username and password as HTTP Basic (what a
 * Prometheus scrape config can carry). With METRICS_PORT set the same text
 * is also served without authentication on that port (serveMetrics), which
 * is the usual setup behind a firewall.
 */
export class MetricsHttp implements HttpBinding {
  readonly name = 'metrics';
  readonly paths = [METRICS_PATH];

  constructor(
    private readonly registry: Registry,
    private readonly runtime: Runtime,
  ) {}

  async handle(req: IncomingMessage, res: ServerResponse, info: RequestInfo): Promise<void> {
    if (notGet(req, res)) return;
    const ctx = createContext({ style: 'internal', ...info, credentials: metricsCredentials(req.headers.authorization) });
    let status = 401;
    try {
      const caller = await this.runtime.authenticate(ctx);
      if (caller?.role === 'admin') return await exposition(this.registry, res, req.method);
      if (caller) status = 403;
    } catch {
      status = 401;
    }
    if (status === 401) res.setHeader('WWW-Authenticate', ['Bearer realm="polyface"', 'Basic realm="polyface metrics", charset="UTF-8"']);
    const detail = status === 401 ? 'Metrics are for administrators: send an admin bearer token or Basic admin credentials' : 'Only administrators may read metrics';
    sendJson(res, status, { type: 'about:blank', title: status === 401 ? 'Unauthorized' : 'Forbidden', status, detail }, 'application/problem+json');
  }
}

/**
 * METRICS_PORT: /metrics alone on its own listener, no authentication (keep
 * that port private). Takes over a server bound early at start (its
 * placeholder listeners are replaced), or makes one for `listen` to bind.
 */
export function attachMetrics(registry: Registry, server: Server = createServer()): Server {
  server.removeAllListeners('request');
  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    res.setHeader('X-Content-Type-Options', 'nosniff');
    if (pathOf(req.url) !== METRICS_PATH) {
      return sendJson(res, 404, { type: 'about:blank', title: 'Not Found', status: 404, detail: `Only ${METRICS_PATH} is served here` }, 'application/problem+json');
    }
    if (notGet(req, res)) return;
    exposition(registry, res, req.method).catch(() => res.destroy());
  });
  return server;
}
