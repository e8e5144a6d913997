import { gunzipSync } from 'node:zlib';
import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ALICE, startServer, type TestServer } from '../support/server.js';

let s: TestServer;
beforeAll(async () => {
  s = await startServer();
});
afterAll(() => s.close());

const BROWSER_ACCEPT = 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8';

/** Raw GET (fetch would transparently gunzip and hide the encoding). */
function rawGet(url: string, headers: Record<string, string>): Promise<{ status: number; headers: Record<string, unknown>; body: Buffer }> {
  return new Promise((resolve, reject) => {
    request(url, { headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body: Buffer.concat(chunks) }));
    })
      .on('error', reject)
      .end();
  });
}

describe('GraphiQL explorer', () => {
  it('serves an HTML page to browsers at GET /graphql, loading only local assets', async () => {
    const res = await fetch(`${s.url}/graphql`, { headers: { Accept: BROWSER_ACCEPT } });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8');
    const html = await res.text();
    const urls = [...html.matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => m[1]!);
    expect(urls.sort()).toEqual(
      [
        '/graphql/assets/explorer.js',
        '/graphql/assets/graphiql.min.css',
        '/graphql/assets/graphiql.min.js',
        '/graphql/assets/react-dom.production.min.js',
        '/graphql/assets/react.production.min.js',
        '/favicon.svg',
      ].sort(),
    );
    expect(html).not.toMatch(/https?:\/\//);
  });

  it('serves every asset the page names with a JS or CSS content type', async () => {
    const html = await (await fetch(`${s.url}/graphql`, { headers: { Accept: BROWSER_ACCEPT } })).text();
    for (const [, url] of html.matchAll(/(?:src|href)="([^"]+)"/g)) {
      const res = await fetch(s.url + url);
      expect([url, res.status]).toEqual([url, 200]);
      const type = res.headers.get('content-type');
      expect(type).toBe(url!.endsWith('.css') ? 'text/css; charset=utf-8' : url!.endsWith('.svg') ? 'image/svg+xml' : 'text/javascript; charset=utf-8');
      expect((await res.text()).length).toBeGreaterThan(100);
    }
  });

  it('wires GraphiQL to this endpoint with the headers editor on (for Authorization)', async () => {
    const js = await (await fetch(`${s.url}/graphql/assets/explorer.js`)).text();
    expect(js).toContain('GraphiQL.createFetcher({ url: window.location.pathname })');
    expect(js).toContain('isHeadersEditorEnabled: true');
    const react = await (await fetch(`${s.url}/graphql/assets/react.production.min.js`)).text();
    expect(react).toContain('React');
  });

  it('prefills Login with the demo password in demo mode (DEMO_PASSWORD set, demo data on)', async () => {
    const js = await (await fetch(`${s.url}/graphql/assets/explorer.js`)).text();
    expect(js).toContain('login(username: \\"alice@example.com\\", password: \\"demo-password\\")');
  });

  it('prefills Login with a placeholder when there is no configured demo password', async () => {
    const other = await startServer({ demoPassword: undefined });
    const js = await (await fetch(`${other.url}/graphql/assets/explorer.js`)).text();
    expect(js).toContain('password: \\"\\u003cDEMO_PASSWORD>\\")');
    expect(js).not.toContain('demo-password');
    await other.close();
    const noDemo = await startServer({ seedDemoData: false });
    expect(await (await fetch(`${noDemo.url}/graphql/assets/explorer.js`)).text()).not.toContain('demo-password');
    await noDemo.close();
  });

  it('gzips assets for clients that accept it', async () => {
    const plain = await rawGet(`${s.url}/graphql/assets/graphiql.min.js`, {});
    const zipped = await rawGet(`${s.url}/graphql/assets/graphiql.min.js`, { 'Accept-Encoding': 'gzip, br' });
    expect(zipped.headers['content-encoding']).toBe('gzip');
    expect(plain.headers['content-encoding']).toBeUndefined();
    expect(zipped.body.length).toBeLessThan(plain.body.length / 2);
    expect(gunzipSync(zipped.body).equals(plain.body)).toBe(true);
  });

  it('answers 404 for unknown asset names', async () => {
    for (const name of ['secret.js', 'constructor', 'graphiql.min.js.map']) {
      expect([name, (await fetch(`${s.url}/graphql/assets/${name}`)).status]).toEqual([name, 404]);
    }
  });

  it('still executes GET ?query= for non-browser clients (GraphQL over HTTP)', async () => {
    const query = encodeURIComponent('query Me($id: ID!) { user(id: $id) { name } }');
    const variables = encodeURIComponent(JSON.stringify({ id: 1 }));
    const res = await fetch(`${s.url}/graphql?query=${query}&variables=${variables}`, {
      headers: { Accept: 'application/graphql-response+json', Authorization: `Bearer ${await s.token(ALICE)}` },
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('application/graphql-response+json');
    expect(await res.json()).toEqual({ data: { user: { name: 'Alice' } } });
  });

  it('opens the explorer for a browser URL with ?query= (prefilled by explorer.js)', async () => {
    const res = await fetch(`${s.url}/graphql?query=${encodeURIComponent('{ __typename }')}`, { headers: { Accept: BROWSER_ACCEPT } });
    expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8');
    const js = await (await fetch(`${s.url}/graphql/assets/explorer.js`)).text();
    expect(js).toContain("params.get('query')");
  });

  it('answers JSON (not the page) to a plain GET without Accept', async () => {
    const res = await fetch(`${s.url}/graphql?query=${encodeURIComponent('{ __typename }')}`);
    expect(res.headers.get('content-type')).toContain('application/json');
    expect(await res.json()).toEqual({ data: { __typename: 'Query' } });
  });
});
