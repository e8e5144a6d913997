import { connect } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { loadConfig, testConfig, type Config } from '../../src/infra/config.js';
import { MAX_FIELD_PROBLEMS } from '../../src/domain/validate.js';
import { api, problem } from '../rest/helpers.js';
import { call, post as rpc } from '../jsonrpc/support.js';
import { envelope, post as soap, TNS } from '../soap/helpers.js';
import { startServer, type TestServer } from '../support/server.js';

/**
 * Issue 10, finding 10: HTTP hygiene on the node:http front door. Each case
 * failed before the fix: half-sent requests were held by Node's 60 s / 300 s
 * clocks (checked every 30 s), a body answered before it was read was read to
 * its end to keep the connection, most answers lacked nosniff, GraphiQL had no
 * CSP, the probes answered any method, and a VALIDATION error echoed every
 * unknown key.
 */
let s: TestServer | undefined;
afterEach(async () => {
  await s?.close();
  s = undefined;
});

const start = (overrides: Partial<Config> = {}) => startServer(overrides).then((server) => (s = server));
const fast = { http: { headersTimeoutMs: 500, requestTimeoutMs: 1_000 } };

interface Raw {
  /** The first bytes of the answer (status line and headers), if one came. */
  answer: string;
  /** True when the server ended the connection within `forMs`. */
  closed: boolean;
}

/**
 * Writes `head` over a raw TCP connection (what fetch cannot send: a request that never ends), then `trickle`
 * every `everyMs`, until the server closes or `forMs` passes.
 */
function raw(url: string, head: string, opts: { trickle?: string; everyMs?: number; forMs: number }): Promise<Raw> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve) => {
    const socket = connect(Number(port), hostname);
    let answer = '';
    let settled = false;
    const finish = (closed: boolean) => {
      if (settled) return;
      settled = true;
      clearInterval(timer);
      clearTimeout(limit);
      socket.destroy();
      resolve({ answer, closed });
    };
    socket.setEncoding('latin1');
    socket.on('data', (d: string) => {
      if (answer.length < 2048) answer += d;
    });
    socket.on('end', () => finish(true));
    socket.on('close', () => finish(true));
    socket.on('error', () => finish(true));
    if (head) socket.write(head);
    const timer = setInterval(() => {
      if (opts.trickle && socket.writable) socket.write(opts.trickle);
    }, opts.everyMs ?? 100);
    const limit = setTimeout(() => finish(false), opts.forMs);
  });
}

describe('timeouts on the front door', () => {
  it('config: 15 s for headers and 30 s for the whole request by default, both settable; headers never above the request', () => {
    expect(testConfig().http).toEqual({ headersTimeoutMs: 15_000, requestTimeoutMs: 30_000 });
    const env = (headers: string, request: string) => loadConfig({ HTTP_HEADERS_TIMEOUT_MS: headers, HTTP_REQUEST_TIMEOUT_MS: request }).http;
    expect(env('2000', '5000')).toEqual({ headersTimeoutMs: 2_000, requestTimeoutMs: 5_000 });
    expect(env('9000', '5000')).toEqual({ headersTimeoutMs: 5_000, requestTimeoutMs: 5_000 });
    expect(env('9000', '0')).toEqual({ headersTimeoutMs: 9_000, requestTimeoutMs: 0 });
  });

  it('headers sent a line at a time (slowloris) are cut with 408 after HTTP_HEADERS_TIMEOUT_MS', async () => {
    const server = await start(fast);
    const r = await raw(server.url, 'GET /healthz HTTP/1.1\r\nHost: x\r\n', { trickle: 'X-Slow: 1\r\n', everyMs: 100, forMs: 5_000 });
    expect(r.closed).toBe(true);
    expect(r.answer).toMatch(/^HTTP\/1\.1 408 /);
  });

  it('a body sent a byte at a time is cut with 408 after HTTP_REQUEST_TIMEOUT_MS', async () => {
    const server = await start(fast);
    const head = 'POST /rpc HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{';
    const r = await raw(server.url, head, { trickle: ' ', everyMs: 100, forMs: 6_000 });
    expect(r.closed).toBe(true);
    expect(r.answer).toMatch(/^HTTP\/1\.1 408 /);
  });

  it('a connection that sends nothing (HTTP/1.1 or h2c not yet known) is closed after the headers timeout', async () => {
    const server = await start(fast);
    const r = await raw(server.url, '', { forMs: 5_000 });
    expect(r.closed).toBe(true);
  });

  it('responses are not timed: an SSE stream outlives the request timeout and still delivers', async () => {
    const server = await start(fast);
    const token = await server.token();
    const stream = await fetch(`${server.url}/api/v1/events?types=product.created`, { headers: { Accept: 'text/event-stream', Authorization: `Bearer ${token}` } });
    expect(stream.status).toBe(200);
    const reader = stream.body!.getReader();
    await new Promise((r) => setTimeout(r, 2_500));
    const created = await api(server, '/products', { method: 'POST', token, body: { name: 'Late lamp', price: '3.00' } });
    expect(created.status).toBe(201);
    let text = '';
    while (!text.includes('Late lamp')) {
      const { value, done } = await reader.read();
      if (done) break;
      text += new TextDecoder().decode(value);
    }
    expect(text).toContain('Late lamp');
    await reader.cancel();
  });
});

describe('a body answered before it is read closes the connection', () => {
  const huge = 2 * 1024 * 1024 * 1024;
  const declare = (path: string, type: string, token?: string) =>
    `POST ${path} HTTP/1.1\r\nHost: x\r\nContent-Type: ${type}\r\nContent-Length: ${huge}\r\n${token ? `Authorization: Bearer ${token}\r\n` : ''}\r\n`;
  const chunk = 'x'.repeat(16 * 1024);

  it('anonymous POST with a declared 2 GB body: 401, then closed instead of read to its end', async () => {
    const server = await start();
    const r = await raw(server.url, declare('/api/v1/products', 'application/json'), { trickle: chunk, everyMs: 5, forMs: 4_000 });
    expect(r.answer).toMatch(/^HTTP\/1\.1 401 /);
    expect(r.closed).toBe(true);
  });

  it.each([
    ['/rpc', 'application/json'],
    ['/graphql', 'application/json'],
    ['/soap', 'text/xml; charset=utf-8'],
    ['/api/v1/products', 'application/json'],
  ])('%s: 413 with Connection: close, and closed', async (path, type) => {
    const server = await start();
    const r = await raw(server.url, declare(path, type, await server.token()), { trickle: chunk, everyMs: 5, forMs: 4_000 });
    expect(r.answer).toMatch(/^HTTP\/1\.1 413 /);
    expect(r.answer.toLowerCase()).toContain('connection: close');
    expect(r.closed).toBe(true);
  });
});

describe('response headers', () => {
  it('X-Content-Type-Options: nosniff on every answer: errors, 404s, probes, assets, every style, streams', async () => {
    const server = await start();
    const token = await server.token();
    const answers: [string, Response][] = [
      ['404', await fetch(`${server.url}/no/such/thing`)],
      ['healthz', await fetch(`${server.url}/healthz`)],
      ['readyz', await fetch(`${server.url}/readyz`)],
      ['REST 200', await api(server, '/products', { token })],
      ['REST 401', await api(server, '/users')],
      ['GraphQL', await fetch(`${server.url}/graphql`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{"query":"{ __typename }"}' })],
      ['JSON-RPC', await fetch(`${server.url}/rpc`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(call('rpc.discover', undefined)) })],
      ['SOAP fault', await fetch(`${server.url}/soap`, { method: 'POST', headers: { 'Content-Type': 'text/xml' }, body: 'not xml' })],
      ['WSDL', await fetch(`${server.url}/soap?wsdl`)],
      ['OpenAPI', await fetch(`${server.url}/api/v1/openapi.json`)],
      ['docs asset', await fetch(`${server.url}/docs/swagger-ui.css`)],
      ['docs init', await fetch(`${server.url}/docs/init.js`)],
      ['favicon', await fetch(`${server.url}/favicon.svg`)],
    ];
    for (const [name, res] of answers) {
      await res.arrayBuffer();
      expect([name, res.headers.get('x-content-type-options')]).toEqual([name, 'nosniff']);
    }
    const ac = new AbortController();
    const sse = await fetch(`${server.url}/api/v1/events`, { headers: { Accept: 'text/event-stream', Authorization: `Bearer ${token}` }, signal: ac.signal });
    expect(sse.headers.get('content-type')).toMatch(/^text\/event-stream/);
    expect(sse.headers.get('x-content-type-options')).toBe('nosniff');
    ac.abort();
  });

  it("every HTML page carries a CSP with frame-ancestors 'none'", async () => {
    const server = await start();
    const html = { Accept: 'text/html' };
    const pages = ['/', '/docs', '/docs/oauth2-redirect.html', '/graphql', '/chat', '/compare'];
    for (const path of pages) {
      const res = await fetch(`${server.url}${path}`, { headers: html });
      await res.arrayBuffer();
      expect([path, res.status, res.headers.get('content-type')]).toEqual([path, 200, expect.stringMatching(/^text\/html/)]);
      expect([path, res.headers.get('content-security-policy')]).toEqual([path, expect.stringContaining("frame-ancestors 'none'")]);
      expect([path, res.headers.get('x-content-type-options')]).toEqual([path, 'nosniff']);
    }
  });

  it('the GraphiQL page has no inline script: its CSP can forbid them', async () => {
    const server = await start();
    const res = await fetch(`${server.url}/graphql`, { headers: { Accept: 'text/html' } });
    expect(await res.text()).not.toMatch(/<script>/);
    expect(res.headers.get('content-security-policy')).toContain("script-src 'self'");
  });
});

describe('health probes', () => {
  it.each(['/healthz', '/readyz'])('%s answers GET and HEAD; other methods get 405 with Allow', async (path) => {
    const server = await start();
    expect((await fetch(`${server.url}${path}`)).status).toBe(200);
    const head = await fetch(`${server.url}${path}`, { method: 'HEAD' });
    expect([head.status, await head.text()]).toEqual([200, '']);
    for (const method of ['POST', 'PUT', 'DELETE', 'PATCH']) {
      const res = await fetch(`${server.url}${path}`, { method, ...(method === 'DELETE' ? {} : { body: '{}' }) });
      expect([method, res.status, res.headers.get('allow')]).toEqual([method, 405, 'GET, HEAD']);
      expect((await problem(res)).title).toBe('Method Not Allowed');
    }
  });
});

describe('VALIDATION errors list at most 20 problems', () => {
  const junk = Object.fromEntries(Array.from({ length: 500 }, (_, i) => [`junk${i}`, i]));

  it('REST: 500 unknown keys → the first 20 and a count of the rest', async () => {
    const server = await start();
    const res = await api(server, '/products', { method: 'POST', token: await server.token(), body: { name: 'Lamp', price: '1.00', ...junk } });
    expect(res.status).toBe(422);
    const body = await problem(res);
    expect(body.errors).toHaveLength(MAX_FIELD_PROBLEMS + 1);
    expect(body.errors!.slice(0, 3).map((e) => e.field)).toEqual(['junk0', 'junk1', 'junk2']);
    expect(body.errors!.at(-1)).toEqual({ field: '(more)', message: '480 more problems not listed' });
    expect(JSON.stringify(body).length).toBeLessThan(4_000);
  });

  it('JSON-RPC: the same cap in error.data', async () => {
    const server = await start();
    const r = await rpc(server.url, call('createProduct', { name: 'Lamp', price: '1.00', ...junk }), { token: await server.token() });
    expect(r.body.error.code).toBe(-32602);
    expect(r.text.length).toBeLessThan(4_000);
    expect(r.text).toContain('480 more problems not listed');
  });

  it('SOAP: the same cap in the fault detail', async () => {
    const server = await start();
    const fields = Array.from({ length: 100 }, (_, i) => `<junk${i}>1</junk${i}>`).join('');
    const r = await soap(server.url, envelope('1.1', `<CreateProduct xmlns="${TNS}"><name>Lamp</name><price>1.00</price>${fields}</CreateProduct>`), {
      token: await server.token(),
      action: `${TNS}/CreateProduct`,
    });
    expect(r.text).toContain('Fault');
    expect(r.text).toContain('80 more problems not listed');
    expect(r.text.split('<field>').length - 1).toBeLessThanOrEqual(MAX_FIELD_PROBLEMS + 1);
  });
});
