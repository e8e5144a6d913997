import { once } from 'node:events';
import { connect as h2connect, createServer as h2server, type Http2Server } from 'node:http2';
import { connect, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { WireTap } from '../../src/compare/tap.js';
import { startServer, type TestServer } from '../support/server.js';

let s: TestServer;
beforeAll(async () => {
  s = await startServer();
});
afterAll(() => s.close());

/** Writes the chunks (a pause between each, so they cross as separate segments) and collects the whole answer until the server closes. */
async function raw(url: string, chunks: string[]): Promise<Buffer> {
  const { port } = new URL(url);
  const socket: Socket = connect({ host: '127.0.0.1', port: Number(port) });
  await once(socket, 'connect');
  const received: Buffer[] = [];
  socket.on('data', (d: Buffer) => received.push(d));
  const closed = once(socket, 'close');
  for (const c of chunks) {
    socket.write(c);
    await new Promise((r) => setTimeout(r, 20));
  }
  await closed;
  return Buffer.concat(received);
}

describe('WireTap: bytes counted at the socket', () => {
  it('counts a hand-written request byte for byte, and the answer as the client received it', async () => {
    const tap = await WireTap.open(s.url);
    try {
      // "GET /healthz HTTP/1.1\r\n" 23 + "Host: polyface.test\r\n" 21 + "Connection: close\r\n" 19 + "\r\n" 2 = 65 bytes.
      const request = ['GET /healthz HTTP/1.1\r\n', 'Host: polyface.test\r\nConnection: close\r\n\r\n'];
      const answer = await raw(tap.url, request);
      await new Promise((r) => setTimeout(r, 20));
      const w = tap.take();
      expect(w.bytesUp).toBe(65);
      expect(w.bytesDown).toBe(answer.length);
      expect(answer.toString('latin1')).toMatch(/^HTTP\/1\.1 200 OK\r\n[\s\S]*\r\n\r\n\{"status":"ok"\}$/);
      // Sent in two segments, still one request; one connection.
      expect(w.requests).toBe(1);
      expect(w.connections).toBe(1);
      expect(w.exchanges).toHaveLength(1);
      expect(Buffer.concat(w.exchanges[0]!.request).toString()).toBe(request.join(''));
      expect(Buffer.concat(w.exchanges[0]!.response).equals(answer)).toBe(true);
      expect(w.exchanges[0]!.bytesUp).toBe(65);
      expect(w.exchanges[0]!.bytesDown).toBe(answer.length);
    } finally {
      await tap.close();
    }
  });

  it('counts each request on a keep-alive connection, and a new window only what came after', async () => {
    const tap = await WireTap.open(s.url);
    try {
      const first = 'GET /healthz HTTP/1.1\r\nHost: t\r\n\r\n';
      const second = 'GET /readyz HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n';
      const { port } = new URL(tap.url);
      const socket = connect({ host: '127.0.0.1', port: Number(port) });
      await once(socket, 'connect');
      const received: Buffer[] = [];
      socket.on('data', (d: Buffer) => received.push(d));
      socket.write(first);
      while (!Buffer.concat(received).includes('{"status":"ok"}')) await once(socket, 'data');
      const firstWindow = tap.take();
      expect(firstWindow).toMatchObject({ bytesUp: first.length, requests: 1, connections: 1 });
      const firstAnswer = Buffer.concat(received).length;
      expect(firstWindow.bytesDown).toBe(firstAnswer);
      const closed = once(socket, 'close');
      socket.write(second);
      await closed;
      const secondWindow = tap.take();
      // The connection was opened in the first window: the second sees a warm one.
      expect(secondWindow).toMatchObject({ bytesUp: second.length, bytesDown: Buffer.concat(received).length - firstAnswer, requests: 1, connections: 0 });
    } finally {
      await tap.close();
    }
  });

  it('WebSocket: the upgrade is one request, then each message the client sends is one; payloads are shown unmasked', async () => {
    const tap = await WireTap.open(s.url);
    try {
      const ws = new WebSocket(`${tap.url.replace('http', 'ws')}/rpc`);
      await once(ws, 'open');
      const answers: string[] = [];
      ws.on('message', (d) => answers.push(String(d)));
      const messages = [1, 2, 3].map((id) => JSON.stringify({ jsonrpc: '2.0', method: 'rpc.nope', id }));
      for (const m of messages) ws.send(m);
      while (answers.length < 3) await once(ws, 'message');
      await new Promise((r) => setTimeout(r, 20));
      const w = tap.take();
      expect(w.requests).toBe(4);
      expect(w.connections).toBe(1);
      const [upgrade, ...rest] = w.exchanges;
      expect(upgrade!.kind).toBe('http/1.1');
      expect(Buffer.concat(upgrade!.response).toString()).toMatch(/^HTTP\/1\.1 101 Switching Protocols\r\n/);
      expect(rest.map((e) => e.kind)).toEqual(['websocket', 'websocket', 'websocket']);
      expect(rest.map((e) => Buffer.concat(e.request).toString())).toEqual(messages);
      expect(rest.flatMap((e) => e.response.map(String)).sort()).toEqual([...answers].sort());
      // Client frames carry a 4-byte mask (RFC 6455 §5.3): each message is its payload plus 2 + 4 bytes of header here.
      expect(rest.map((e) => e.bytesUp)).toEqual(messages.map((m) => m.length + 6));
      ws.close();
      await once(ws, 'close');
    } finally {
      await tap.close();
    }
  });
});

describe('WireTap limits', () => {
  it('keeps at most captureLimitBytes of exchange text per window, and says so; the counts stay exact', async () => {
    const tap = await WireTap.open(s.url, { captureLimitBytes: 100 });
    try {
      const request = 'GET /readyz HTTP/1.1\r\nHost: polyface.test\r\nConnection: close\r\n\r\n';
      const answer = await raw(tap.url, [request]);
      await new Promise((r) => setTimeout(r, 20));
      const w = tap.take();
      expect(w).toMatchObject({ bytesUp: request.length, bytesDown: answer.length, requests: 1, truncated: true });
      const kept = w.exchanges.flatMap((e) => [...e.request, ...e.response]).reduce((n, b) => n + b.length, 0);
      expect(kept).toBeLessThanOrEqual(100);
      // A new window has a new budget.
      expect(tap.take().truncated).toBe(false);
    } finally {
      await tap.close();
    }
  });

  it('refuses connections beyond maxConnections (closed at once, nothing relayed)', async () => {
    const tap = await WireTap.open(s.url, { maxConnections: 1 });
    try {
      const { port } = new URL(tap.url);
      const first = connect({ host: '127.0.0.1', port: Number(port) });
      await once(first, 'connect');
      await new Promise((r) => setTimeout(r, 20));
      const second = connect({ host: '127.0.0.1', port: Number(port) });
      const closed = once(second, 'close');
      second.on('error', () => {});
      second.write('GET /healthz HTTP/1.1\r\nHost: t\r\n\r\n');
      await closed;
      first.destroy();
      await new Promise((r) => setTimeout(r, 20));
      expect(tap.take()).toMatchObject({ connections: 1, requests: 0, bytesUp: 0 });
    } finally {
      await tap.close();
    }
  });
});

describe('WireTap: HTTP/2', () => {
  let server: Http2Server;
  let url: string;
  beforeAll(async () => {
    server = h2server((req, res) => res.end(`you asked for ${req.url}`));
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    url = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('each stream the client opens is one request (gRPC calls are streams); DATA payloads are kept per stream', async () => {
    const tap = await WireTap.open(url);
    try {
      const session = h2connect(tap.url);
      const get = (path: string) =>
        new Promise<string>((resolve, reject) => {
          const req = session.request({ ':path': path });
          let body = '';
          req.setEncoding('utf8');
          req.on('data', (d: string) => (body += d));
          req.on('end', () => resolve(body));
          req.on('error', reject);
          req.end();
        });
      expect(await Promise.all([get('/a'), get('/b'), get('/c')])).toEqual(['you asked for /a', 'you asked for /b', 'you asked for /c']);
      session.close();
      await once(session, 'close');
      await new Promise((r) => setTimeout(r, 20));
      const w = tap.take();
      expect(w.requests).toBe(3);
      expect(w.connections).toBe(1);
      const streams = w.exchanges.filter((e) => e.response.length);
      expect(streams.map((e) => Buffer.concat(e.response).toString()).sort()).toEqual(['you asked for /a', 'you asked for /b', 'you asked for /c']);
      // Every byte is attributed somewhere: the exchanges add up to the window (preface and SETTINGS included).
      expect(w.exchanges.reduce((n, e) => n + e.bytesUp, 0)).toBe(w.bytesUp);
      expect(w.exchanges.reduce((n, e) => n + e.bytesDown, 0)).toBe(w.bytesDown);
    } finally {
      await tap.close();
    }
  });
});
