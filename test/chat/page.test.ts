import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startServer, type TestServer } from '../support/server.js';

/** The /chat page over plain HTTP (the browser test drives it for real: test/browser/chat.test.ts). */
let s: TestServer;
beforeAll(async () => {
  s = await startServer();
});
afterAll(() => s.close());

it('serves the page with a policy that allows only its own scripts, styles and connections', async () => {
  const res = await fetch(`${s.url}/chat`);
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8');
  const csp = res.headers.get('content-security-policy')!;
  expect(csp).toContain("script-src 'self'");
  expect(csp).toContain("connect-src 'self'");
  expect(csp).toContain("default-src 'none'");
  const html = await res.text();
  expect(html).toContain('<script src="/chat/assets/socket.io.min.js"></script>');
  expect(html).not.toMatch(/https?:\/\//);
  for (const room of ['general', 'support', 'random']) expect(html).toContain(`data-room="${room}"`);
});

it('serves the socket.io client from the installed package, gzipped when asked', async () => {
  const require = createRequire(import.meta.url);
  const installed = readFileSync(join(dirname(require.resolve('socket.io/package.json')), 'client-dist', 'socket.io.min.js'));
  const res = await fetch(`${s.url}/chat/assets/socket.io.min.js`, { headers: { 'Accept-Encoding': 'identity' } });
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
  expect(Buffer.from(await res.arrayBuffer()).equals(installed)).toBe(true);
  const gz = await new Promise<Buffer>((resolve, reject) => {
    import('node:http').then(({ get }) =>
      get(`${s.url}/chat/assets/socket.io.min.js`, { headers: { 'Accept-Encoding': 'gzip' } }, (r) => {
        expect(r.headers['content-encoding']).toBe('gzip');
        const chunks: Buffer[] = [];
        r.on('data', (c: Buffer) => chunks.push(c));
        r.on('end', () => resolve(Buffer.concat(chunks)));
      }).on('error', reject),
    );
  });
  expect(gunzipSync(gz).equals(installed)).toBe(true);
});

it('its script never parses user text as HTML', async () => {
  const js = await (await fetch(`${s.url}/chat/assets/chat.js`)).text();
  expect(js).toContain('textContent');
  expect(js).not.toMatch(/innerHTML|outerHTML|insertAdjacentHTML|document\.write/);
  expect((await fetch(`${s.url}/chat/assets/chat.css`)).headers.get('content-type')).toBe('text/css; charset=utf-8');
});

it('answers unknown assets with 404 and other methods with 405', async () => {
  expect((await fetch(`${s.url}/chat/assets/..%2F..%2Fpackage.json`)).status).toBe(404);
  expect((await fetch(`${s.url}/chat/assets/nope.js`)).status).toBe(404);
  const post = await fetch(`${s.url}/chat`, { method: 'POST' });
  expect(post.status).toBe(405);
  expect(post.headers.get('allow')).toBe('GET, HEAD');
});
