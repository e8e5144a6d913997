import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type TestServer } from '../support/server.js';

/** What Chrome and Firefox send when a person opens a URL. */
const BROWSERS = [
  'text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,image/apng,*/*;q=0.8,application/signed-exchange;v=b3;q=0.7',
  'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8',
];

describe('REST in a browser', () => {
  let s: TestServer;
  beforeAll(async () => {
    s = await startServer();
  });
  afterAll(() => s.close());

  it.each(BROWSERS)('answers a browser navigating to /api/v1 with JSON, not XML (%s)', async (accept) => {
    const res = await fetch(`${s.url}/api/v1`, { headers: { Accept: accept } });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/json; charset=utf-8');
    expect(((await res.json()) as { links: Record<string, string> }).links.docs).toBe('/docs');
  });

  it('gives browsers JSON for resources and problems too', async () => {
    const token = await s.token();
    const user = await fetch(`${s.url}/api/v1/users/1`, { headers: { Accept: BROWSERS[1]!, Authorization: `Bearer ${token}` } });
    expect(user.headers.get('content-type')).toBe('application/json; charset=utf-8');
    expect(user.headers.get('etag')).toBe('"v1"');
    const anonymous = await fetch(`${s.url}/api/v1/users/1`, { headers: { Accept: BROWSERS[0]! } });
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers.get('content-type')).toBe('application/problem+json; charset=utf-8');
  });

  it('still answers XML to clients that ask for it explicitly', async () => {
    for (const accept of ['application/xml', 'text/xml', 'application/xml, application/json;q=0.5']) {
      const res = await fetch(`${s.url}/api/v1`, { headers: { Accept: accept } });
      expect(res.headers.get('content-type')).toMatch(/^(application|text)\/xml; charset=utf-8$/);
    }
  });
});
