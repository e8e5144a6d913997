import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type TestServer } from '../support/server.js';

const APP = 'https://app.example.com';

const preflight = (url: string, origin: string, method = 'POST', headers = 'content-type, authorization') =>
  fetch(url, { method: 'OPTIONS', headers: { Origin: origin, 'Access-Control-Request-Method': method, 'Access-Control-Request-Headers': headers } });

describe('CORS with CORS_ORIGINS set (credentials on)', () => {
  let s: TestServer;
  beforeAll(async () => {
    s = await startServer({ cors: { origins: [APP, 'http://localhost:5173'], credentials: true, maxAgeSeconds: 600 } });
  });
  afterAll(() => s.close());

  it.each(['/graphql', '/rpc', '/soap', '/api/v1/users', '/api/v1/users/1', '/api/v1/auth/token'])('answers the preflight for %s from an allowed origin', async (path) => {
    const res = await preflight(`${s.url}${path}`, APP);
    expect(res.status).toBe(204);
    expect(res.headers.get('access-control-allow-origin')).toBe(APP);
    expect(res.headers.get('access-control-allow-credentials')).toBe('true');
    expect(res.headers.get('access-control-allow-methods')).toBe('GET,HEAD,PUT,PATCH,POST,DELETE');
    expect(res.headers.get('access-control-allow-headers')).toBe('content-type, authorization');
    expect(res.headers.get('access-control-max-age')).toBe('600');
    expect(res.headers.get('vary')).toContain('Origin');
  });

  it('marks real responses for allowed origins and exposes the headers clients read (ETag, Location, X-Request-Id, …)', async () => {
    const res = await fetch(`${s.url}/graphql`, {
      method: 'POST',
      headers: { Origin: 'http://localhost:5173', 'Content-Type': 'application/json' },
      body: JSON.stringify({ query: '{ __typename }' }),
    });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ data: { __typename: 'Query' } });
    expect(res.headers.get('access-control-allow-origin')).toBe('http://localhost:5173');
    expect(res.headers.get('access-control-allow-credentials')).toBe('true');
    expect(res.headers.get('access-control-expose-headers')).toBe('ETag,Location,Link,Retry-After,WWW-Authenticate,X-Request-Id,traceresponse');
    const rest = await fetch(`${s.url}/api/v1/users/1`, { headers: { Origin: APP, Authorization: `Bearer ${await s.token()}` } });
    expect(rest.status).toBe(200);
    expect(rest.headers.get('access-control-allow-origin')).toBe(APP);
  });

  it('gives a disallowed origin no CORS headers, so the browser withholds the answer', async () => {
    const pre = await preflight(`${s.url}/rpc`, 'https://evil.example');
    expect(pre.headers.get('access-control-allow-origin')).toBeNull();
    // Not answered as a preflight: /rpc itself refuses OPTIONS.
    expect(pre.status).toBe(405);
    const res = await fetch(`${s.url}/api/v1/products`, { headers: { Origin: 'https://evil.example' } });
    expect(res.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('leaves same-origin and non-browser requests alone: REST OPTIONS without Origin still lists Allow', async () => {
    const res = await fetch(`${s.url}/api/v1/users`, { method: 'OPTIONS' });
    expect(res.status).toBe(204);
    expect(res.headers.get('allow')).toBe('GET, HEAD, POST, OPTIONS');
    expect(res.headers.get('access-control-allow-origin')).toBeNull();
  });
});

describe('CORS_ORIGINS=*', () => {
  let s: TestServer;
  beforeAll(async () => {
    s = await startServer({ cors: { origins: ['*'], credentials: false, maxAgeSeconds: 60 } });
  });
  afterAll(() => s.close());

  it('allows any origin, without credentials', async () => {
    const res = await preflight(`${s.url}/rpc`, 'https://anyone.example');
    expect(res.status).toBe(204);
    expect(res.headers.get('access-control-allow-origin')).toBe('*');
    expect(res.headers.get('access-control-allow-credentials')).toBeNull();
    expect(res.headers.get('access-control-max-age')).toBe('60');
  });
});

describe('CORS off (the default)', () => {
  let s: TestServer;
  beforeAll(async () => {
    s = await startServer();
  });
  afterAll(() => s.close());

  it('sends no CORS headers to any origin', async () => {
    const res = await preflight(`${s.url}/graphql`, APP);
    expect(res.headers.get('access-control-allow-origin')).toBeNull();
    const get = await fetch(`${s.url}/api/v1/products`, { headers: { Origin: APP } });
    expect(get.headers.get('access-control-allow-origin')).toBeNull();
  });
});
