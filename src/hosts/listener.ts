import type { Server } from 'node:http';
import { createHttpServer, type HttpTimeouts } from './http.js';

/**
 * Binds the front door's port before the app is built, so that a port in
 * use stops the start before any secret is generated or stored. Until the
 * host takes over (HttpHost replaces the request listeners), requests are
 * answered 503 with Retry-After (RFC 9110 §15.6.4).
 */
export function bindEarly(host: string, port: number, timeouts?: HttpTimeouts): Promise<Server> {
  const server = createHttpServer(timeouts);
  server.on('request', (_req, res) => {
    res.writeHead(503, { 'Content-Type': 'text/plain; charset=utf-8', 'Retry-After': '1', Connection: 'close', 'X-Content-Type-Options': 'nosniff' });
    res.end('polyface is starting\n');
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve(server);
    });
  });
}

/** http://host:port of a listening server (IPv6 literals bracketed). */
export function urlOf(server: Server, host: string): string {
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
}
