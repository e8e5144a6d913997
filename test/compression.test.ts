import { request, type IncomingMessage } from 'node:http';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { startServer, type TestServer } from './support/server.js';

interface Raw {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  /** The body as it came over the wire, still encoded. */
  wire: Buffer;
  /** The body decoded according to Content-Encoding. */
  text: string;
}

/**
 * A streaming request with node:http: resolves with the response once the
 * headers arrive, and `text()` waits until the body so far matches.
 */
function stream(base: string, path: string, init: { method?: string; headers: Record<string, string>; body?: string }) {
  return new Promise<{ res: IncomingMessage; until(pattern: RegExp, ms?: number): Promise<string>; close(): void }>((resolve, reject) => {
    const req = request(`${base}${path}`, { method: init.method ?? 'GET', headers: init.headers }, (res) => {
      let text = '';
      res.setEncoding('latin1').on('data', (c: string) => (text += c));
      const until = (pattern: RegExp, ms = 5_000) =>
        new Promise<string>((done, fail) => {
          const check = () => {
            if (!pattern.test(text)) return;
            clearTimeout(timer);
            res.off('data', check);
            done(text);
          };
          const timer = setTimeout(() => {
            res.off('data', check);
            fail(new Error(`no ${pattern} within ${ms} ms in ${JSON.stringify(text)}`));
          }, ms);
          res.on('data', check);
          check();
        });
      resolve({ res, until, close: () => req.destroy() });
    });
    req.on('error', reject);
    req.end(init.body);
  });
}

/** A request with node:http so the body arrives as sent (fetch would decode it behind our back). */
function raw(base: string, path: string, init: { method?: string; headers?: Record<string, string>; body?: string } = {}): Promise<Raw> {
  return new Promise((resolve, reject) => {
    const req = request(`${base}${path}`, { method: init.method ?? 'GET', headers: init.headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const wire = Buffer.concat(chunks);
        const encoding = res.headers['content-encoding'];
        const plain = encoding === 'gzip' ? gunzipSync(wire) : encoding === 'br' ? brotliDecompressSync(wire) : wire;
        resolve({ status: res.statusCode!, headers: res.headers, wire, text: plain.toString('utf8') });
      });
    });
    req.on('error', reject);
    req.end(init.body);
  });
}

describe('response compression on every HTTP style (one hook in the front door)', () => {
  let s: TestServer;
  let token: string;
  beforeAll(async () => {
    s = await startServer();
    token = await s.token();
  });
  afterAll(() => s.close());

  const auth = () => ({ Authorization: `Bearer ${token}` });

  it('REST: a large page is gzip-compressed when asked, and decodes to the same JSON', async () => {
    for (let i = 0; i < 6; i++) {
      const made = await fetch(`${s.url}/api/v1/users`, {
        method: 'POST',
        headers: { ...auth(), 'Content-Type': 'application/json' },
        body: JSON.stringify({ name: `Squeezed ${i}`, email: `squeezed${i}@example.com` }),
      });
      expect(made.status).toBe(201);
    }
    const res = await raw(s.url, '/api/v1/users?limit=100', { headers: { ...auth(), 'Accept-Encoding': 'gzip' } });
    expect(res.status).toBe(200);
    expect(res.headers['content-encoding']).toBe('gzip');
    expect(res.headers['content-length']).toBeUndefined();
    expect(String(res.headers.vary)).toContain('Accept-Encoding');
    expect((JSON.parse(res.text) as { data: unknown[] }).data.length).toBeGreaterThan(1);
  });

  it('brotli is preferred when the client offers both', async () => {
    const res = await raw(s.url, '/api/v1/openapi.json', { headers: { 'Accept-Encoding': 'gzip, br' } });
    expect(res.headers['content-encoding']).toBe('br');
    expect(res.wire.length).toBeLessThan(Buffer.byteLength(res.text) / 3);
    expect((JSON.parse(res.text) as { openapi: string }).openapi).toBe('3.1.0');
  });

  it('GraphQL: an introspection answer is compressed', async () => {
    const res = await raw(s.url, '/graphql', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', 'Accept-Encoding': 'gzip' },
      body: JSON.stringify({ query: '{ __schema { types { name fields { name } } } }' }),
    });
    expect(res.status).toBe(200);
    expect(res.headers['content-encoding']).toBe('gzip');
    expect(JSON.parse(res.text)).toHaveProperty('data.__schema.types');
  });

  it('JSON-RPC: rpc.discover is compressed', async () => {
    const res = await raw(s.url, '/rpc', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', 'Accept-Encoding': 'br' },
      body: JSON.stringify({ jsonrpc: '2.0', method: 'rpc.discover', id: 1 }),
    });
    expect(res.headers['content-encoding']).toBe('br');
    expect((JSON.parse(res.text) as { result: { openrpc: string } }).result.openrpc).toMatch(/^1\./);
  });

  it('SOAP: the WSDL is compressed', async () => {
    const res = await raw(s.url, '/soap?wsdl', { headers: { 'Accept-Encoding': 'gzip' } });
    expect(res.headers['content-encoding']).toBe('gzip');
    expect(res.text).toContain('<wsdl:definitions');
  });

  it('small answers, identity-only clients and HEAD requests are sent as they are', async () => {
    const small = await raw(s.url, '/api/v1/products/1', { headers: { ...auth(), 'Accept-Encoding': 'gzip, br' } });
    expect(small.headers['content-encoding']).toBeUndefined();
    expect(Number(small.headers['content-length'])).toBe(small.wire.length);
    const identity = await raw(s.url, '/api/v1/openapi.json', { headers: { 'Accept-Encoding': 'identity' } });
    expect(identity.headers['content-encoding']).toBeUndefined();
    const none = await raw(s.url, '/api/v1/openapi.json');
    expect(none.headers['content-encoding']).toBeUndefined();
    const head = await raw(s.url, '/soap?wsdl', { method: 'HEAD', headers: { 'Accept-Encoding': 'gzip' } });
    expect(head.headers['content-encoding']).toBeUndefined();
  });

  it("the front door's own answers (probes, a 404 for a path no style owns) are sent as they are, without Vary", async () => {
    for (const path of ['/healthz', '/readyz', '/no-such-place']) {
      const res = await raw(s.url, path, { headers: { 'Accept-Encoding': 'gzip, br' } });
      expect(res.headers['content-encoding'], path).toBeUndefined();
      expect(res.headers.vary, path).toBeUndefined();
      expect(JSON.parse(res.text), path).toEqual(expect.any(Object));
    }
  });

  it('a client offering no coding is answered as written, still with Vary: Accept-Encoding beside the reply\'s own Vary', async () => {
    for (const headers of [auth(), { ...auth(), 'Accept-Encoding': 'identity' }]) {
      const res = await raw(s.url, '/api/v1/products/1', { headers });
      expect(res.headers['content-encoding']).toBeUndefined();
      expect(String(res.headers.vary).split(/,\s*/).sort()).toEqual(['Accept', 'Accept-Encoding']);
    }
    const graphql = await raw(s.url, '/graphql', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ query: '{ __typename }' }) });
    expect(graphql.status).toBe(200);
    expect(String(graphql.headers.vary).split(/,\s*/).sort()).toEqual(['Accept', 'Accept-Encoding', 'Accept-Language']);
    const big = await raw(s.url, '/api/v1/openapi.json');
    expect(big.headers['content-encoding']).toBeUndefined();
    expect(big.headers.vary).toContain('Accept-Encoding');
  });

  it('COMPRESSION_THRESHOLD_BYTES moves the threshold', async () => {
    const low = await startServer({ compressionThresholdBytes: 50 });
    try {
      const res = await raw(low.url, '/api/v1/products/1', { headers: { Authorization: `Bearer ${await low.token()}`, 'Accept-Encoding': 'gzip' } });
      expect(res.headers['content-encoding']).toBe('gzip');
      expect(JSON.parse(res.text)).toMatchObject({ id: 1, name: 'Laptop' });
    } finally {
      await low.close();
    }
  });

  it('never compresses event streams: SSE on /api/v1/events and GraphQL over SSE arrive event by event, as plain text', async () => {
    const headers = { Authorization: `Bearer ${token}`, Accept: 'text/event-stream', 'Accept-Encoding': 'gzip, br' };
    const sse = await stream(s.url, '/api/v1/events?types=product.created', { headers });
    const gql = await stream(s.url, '/graphql', {
      method: 'POST',
      headers: { ...headers, 'Content-Type': 'application/json' },
      body: JSON.stringify({ query: 'subscription { events(types: ["product.created"]) { id type product { name } } }' }),
    });
    try {
      for (const { res } of [sse, gql]) {
        expect(res.statusCode).toBe(200);
        expect(res.headers['content-type']).toMatch(/^text\/event-stream/);
        // graphql-sse labels its streams `Content-Encoding: none` itself; neither is gzip or br.
        expect([undefined, 'none']).toContain(res.headers['content-encoding']);
      }
      // A stream's length is unknown, so the threshold would not stop a compressor: only the hook's rule does.
      await sse.until(/: stream open/);
      await new Promise((r) => setTimeout(r, 100));
      const made = await fetch(`${s.url}/api/v1/products`, {
        method: 'POST',
        headers: { ...auth(), 'Content-Type': 'application/json' },
        body: JSON.stringify({ name: 'Streamed Lamp', price: '3.00' }),
      });
      expect(made.status).toBe(201);
      expect(await sse.until(/event: product\.created\ndata: [^\n]*"name":"Streamed Lamp"/)).toContain('id: ');
      expect(await gql.until(/event: next\ndata: [^\n]*"name":"Streamed Lamp"/)).toContain('"type":"product.created"');
    } finally {
      sse.close();
      gql.close();
    }
  });

  it('leaves WebSocket upgrades alone: a client offering gzip still completes the graphql-transport-ws handshake', async () => {
    const ws = new WebSocket(`${s.url.replace('http', 'ws')}/graphql`, 'graphql-transport-ws', { headers: { 'Accept-Encoding': 'gzip, br' } });
    try {
      const upgrade = new Promise<IncomingMessage>((resolve, reject) => {
        ws.once('upgrade', resolve);
        ws.once('error', reject);
      });
      const opened = new Promise((resolve) => ws.once('open', resolve));
      const ack = new Promise<string>((resolve) => ws.once('message', (m) => resolve(String(m))));
      expect((await upgrade).statusCode).toBe(101);
      expect((await upgrade).headers['content-encoding']).toBeUndefined();
      await opened;
      ws.send(JSON.stringify({ type: 'connection_init', payload: { Authorization: `Bearer ${token}` } }));
      expect(JSON.parse(await ack)).toMatchObject({ type: 'connection_ack' });
    } finally {
      ws.close();
    }
  });

  it('runs inside CORS: a preflight is answered uncompressed, and a compressed answer keeps its CORS headers', async () => {
    const origin = 'http://app.example';
    const cors = await startServer({ cors: { origins: [origin], credentials: false, maxAgeSeconds: 60 } });
    try {
      const preflight = await raw(cors.url, '/api/v1/users', {
        method: 'OPTIONS',
        headers: { Origin: origin, 'Access-Control-Request-Method': 'GET', 'Access-Control-Request-Headers': 'authorization', 'Accept-Encoding': 'gzip' },
      });
      expect(preflight.status).toBe(204);
      expect(preflight.headers['access-control-allow-origin']).toBe(origin);
      expect(preflight.headers['content-encoding']).toBeUndefined();
      const doc = await raw(cors.url, '/api/v1/openapi.json', { headers: { Origin: origin, 'Accept-Encoding': 'gzip' } });
      expect(doc.headers['access-control-allow-origin']).toBe(origin);
      expect(doc.headers['content-encoding']).toBe('gzip');
      expect((JSON.parse(doc.text) as { openapi: string }).openapi).toBe('3.1.0');
    } finally {
      await cors.close();
    }
  });
});
