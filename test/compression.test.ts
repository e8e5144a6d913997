import { request } from 'node:http';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type TestServer } from './support/server.js';

interface Raw {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  /** The body as it came over the wire, still encoded. */
  wire: Buffer;
  /** The body decoded according to Content-Encoding. */
  text: string;
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
});
