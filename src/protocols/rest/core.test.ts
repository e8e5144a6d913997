import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { runtimeFixture, type RuntimeFixture } from '../../../test/support/runtime.js';
import { BodyTooLargeError } from '../shared/http.js';
import { RestCore, type RestRequest } from './core.js';

/**
 * The REST core with plain request records: routing, authentication before
 * the body, conditional requests and problems, without a socket. The
 * bindings' tests (test/rest/, both node:http and express) cover the wire.
 */
let f: RuntimeFixture;
let core: RestCore;
let alice: string;

beforeAll(async () => {
  f = await runtimeFixture();
  core = new RestCore(f.runtime, { bodyLimitBytes: 1024, xmlMaxDepth: 16 });
  alice = await f.token('alice@example.com');
});
afterAll(() => f.close());

const req = (method: string, url: string, headers: Record<string, string> = {}, body?: string): RestRequest & { body: ReturnType<typeof vi.fn> } => ({
  method,
  url,
  headers: { ...headers, ...(body !== undefined ? { 'content-length': String(Buffer.byteLength(body)) } : {}) },
  body: vi.fn(async () => Buffer.from(body ?? '')),
});
const auth = (token: string) => ({ authorization: `Bearer ${token}` });
const json = (reply: { body?: unknown }) => JSON.parse(String(reply.body));

describe('RestCore', () => {
  it('GET a user: 200, links, ETag; If-None-Match → 304', async () => {
    const reply = await core.handle(req('GET', '/api/v1/users/1', auth(alice)), f.init());
    expect(reply.status).toBe(200);
    expect(reply.headers.ETag).toBe('"v1"');
    expect(json(reply)).toMatchObject({ id: 1, name: 'Alice', links: { self: '/api/v1/users/1' } });
    expect((await core.handle(req('GET', '/api/v1/users/1', { ...auth(alice), 'if-none-match': '"v1"' }), f.init())).status).toBe(304);
  });

  it('routes as express did: case-insensitive, trailing slash allowed, HEAD by GET', async () => {
    expect((await core.handle(req('GET', '/api/v1/Users/1/', auth(alice)), f.init())).status).toBe(200);
    expect((await core.handle(req('HEAD', '/api/v1/products', auth(alice)), f.init())).status).toBe(200);
  });

  it('refuses an anonymous write before reading its body', async () => {
    const r = req('POST', '/api/v1/products', { 'content-type': 'application/json' }, '{"name":"X","price":"1.00"}');
    const reply = await core.handle(r, f.init());
    expect(reply.status).toBe(401);
    expect(reply.headers['WWW-Authenticate']).toBe('Bearer realm="polyface"');
    expect(r.body).not.toHaveBeenCalled();
  });

  it('405 with Allow, OPTIONS, 404 and a malformed path as problems', async () => {
    const patch = await core.handle(req('PATCH', '/api/v1/products', auth(alice)), f.init());
    expect(patch.status).toBe(405);
    expect(patch.headers.Allow).toBe('GET, HEAD, POST, OPTIONS');
    expect(json(patch)).toMatchObject({ status: 405, type: 'about:blank' });
    expect(await core.handle(req('OPTIONS', '/api/v1/users/7'), f.init())).toMatchObject({ status: 204, headers: { Allow: 'GET, HEAD, PUT, PATCH, DELETE, OPTIONS' } });
    expect(json(await core.handle(req('GET', '/api/v1/nowhere'), f.init()))).toMatchObject({ status: 404, code: 'NOT_FOUND', detail: 'No resource at /api/v1/nowhere' });
    expect(json(await core.handle(req('GET', '/api/v1/users/%E0%A4%A'), f.init()))).toMatchObject({ status: 400, code: 'VALIDATION' });
  });

  it('a body over the limit is 413 and the connection is to be closed', async () => {
    const admin = await f.token();
    const r = req('POST', '/api/v1/products', { ...auth(admin), 'content-type': 'application/json' }, 'x'.repeat(10));
    r.body.mockRejectedValueOnce(new BodyTooLargeError(1024));
    const reply = await core.handle(r, f.init());
    expect(reply.status).toBe(413);
    expect(reply.headers.Connection).toBe('close');
  });
});
