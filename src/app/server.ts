import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { sql, type Kysely } from 'kysely';
import { sendJson, type HttpFacade } from '../adapters/shared/http.js';
import type { Logger } from '../infra/logger.js';

const REQUEST_ID = /^[\w.:-]{1,128}$/;

/**
 * The HTTP front door: request ids, access logs, health probes, then the
 * first facade that claims the path. Framework-free so that protocols which
 * need no router skip express entirely.
 */
export interface HttpServer {
  readonly server: Server;
  /**
   * Graceful stop: refuse new connections, end idle keep-alive ones, let
   * in-flight requests finish (each connection closes after its response),
   * and cut whatever is left after the timeout.
   */
  stop(timeoutMs: number): Promise<void>;
}

export function createHttpServer(facades: readonly HttpFacade[], db: Kysely<any>, log: Logger): HttpServer {
  let stopping = false;
  const server = createServer({ keepAliveTimeout: 5_000 }, (req, res) => {
    if (stopping) res.setHeader('Connection', 'close');
    const incoming = req.headers['x-request-id'];
    const requestId = typeof incoming === 'string' && REQUEST_ID.test(incoming) ? incoming : randomUUID();
    res.setHeader('X-Request-Id', requestId);
    const started = process.hrtime.bigint();
    const reqLog = log.child({ requestId });
    res.on('finish', () => {
      // A request that was already in flight when the stop began: its connection must not idle on.
      if (stopping) req.socket.end();
      if (reqLog.isLevelEnabled('info')) {
        const ms = Number(process.hrtime.bigint() - started) / 1e6;
        reqLog.info({ method: req.method, url: req.url, status: res.statusCode, ms: Math.round(ms * 100) / 100 }, 'request');
      }
    });
    void dispatch(req, res, requestId, reqLog);
  });

  async function dispatch(req: IncomingMessage, res: ServerResponse, requestId: string, reqLog: Logger) {
    const url = req.url ?? '/';
    const q = url.indexOf('?');
    const pathname = q === -1 ? url : url.slice(0, q);
    try {
      if (pathname === '/healthz') return sendJson(res, 200, { status: 'ok' });
      if (pathname === '/readyz') return await ready(res);
      for (const facade of facades) {
        if (facade.matches(pathname)) return await facade.handle(req, res, { requestId, log: reqLog });
      }
      sendJson(res, 404, { type: 'about:blank', title: 'Not Found', status: 404, detail: `No resource at ${pathname}` }, 'application/problem+json');
    } catch (err) {
      reqLog.error({ err }, 'unhandled error in facade');
      if (!res.headersSent) sendJson(res, 500, { type: 'about:blank', title: 'Internal Server Error', status: 500 }, 'application/problem+json');
      else res.destroy();
    }
  }

  async function ready(res: ServerResponse) {
    try {
      await sql`select 1`.execute(db);
      sendJson(res, 200, { status: 'ready', database: 'ok' });
    } catch {
      sendJson(res, 503, { status: 'unavailable', database: 'unreachable' });
    }
  }

  server.on('upgrade', (req, socket, head) => {
    const pathname = (req.url ?? '/').split('?')[0]!;
    for (const facade of facades) {
      if (facade.upgrade && facade.matches(pathname) && facade.upgrade(req, socket, head)) return;
    }
    socket.end('HTTP/1.1 404 Not Found\r\nConnection: close\r\n\r\n');
  });

  return {
    server,
    stop(timeoutMs) {
      stopping = true;
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      const timer = setTimeout(() => server.closeAllConnections(), timeoutMs);
      return closed.finally(() => clearTimeout(timer));
    },
  };
}
