import { createServer, request, type Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LandingHttp } from '../../src/hosts/landing.js';
import { derivedFace } from '../../src/protocols/shared/face.js';
import { startServer, type TestServer } from '../support/server.js';

const BROWSER_ACCEPT = 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8';

interface IndexLink {
  rel: string;
  title: string;
  href: string;
  type?: string;
}
interface Index {
  name: string;
  version: string;
  faces: { name: string; title: string; summary: string; links: IndexLink[] }[];
}

/** fetch cannot set Host; node:http can. */
function getJson(url: string, headers: Record<string, string>): Promise<{ type: string | undefined; body: Index }> {
  return new Promise((resolve, reject) => {
    request(url, { headers }, (res) => {
      let text = '';
      res.setEncoding('utf8').on('data', (d: string) => (text += d));
      res.on('end', () => resolve({ type: res.headers['content-type'], body: JSON.parse(text) as Index }));
    })
      .on('error', reject)
      .end();
  });
}

let s: TestServer;
beforeAll(async () => {
  s = await startServer();
});
afterAll(() => s.close());

describe('GET /', () => {
  it('gives browsers an HTML page linking every face: REST docs, GraphiQL, WSDL, OpenRPC, OpenAPI, SDL, probes', async () => {
    const res = await fetch(`${s.url}/`, { headers: { Accept: BROWSER_ACCEPT } });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8');
    // Accept picks the page; Accept-Encoding whether it is compressed (the front door's compression hook).
    expect(res.headers.get('vary')).toBe('Accept, Accept-Encoding');
    const html = await res.text();
    const links = [...html.matchAll(/<a href="([^"]+)"/g)].map((m) => m[1]!.replaceAll('&#38;', '&'));
    for (const path of ['/docs', '/graphql', '/graphql/schema.graphql', '/soap?wsdl', '/rpc/openrpc.json', '/api/v1/openapi.json', '/api/v1', '/healthz', '/readyz', '/metrics', '/chat', '/contracts/user.proto']) {
      expect(links).toContain(`${s.url}${path}`);
    }
    // Endpoints that only take POST or a WebSocket are shown, not linked.
    expect(html).toContain(`<code>${s.url.replace('http', 'ws')}/rpc</code>`);
    expect(html).toContain(`<code>${s.url}/soap</code>`);
    expect(html).toContain('<link rel="icon" href="/favicon.svg" type="image/svg+xml">');
  });

  it('every page the landing page links opens in a browser (no 404, no 405)', async () => {
    const html = await (await fetch(`${s.url}/`, { headers: { Accept: BROWSER_ACCEPT } })).text();
    const links = [...html.matchAll(/<a href="([^"]+)"/g)].map((m) => m[1]!.replaceAll('&#38;', '&'));
    const admin = await s.token();
    for (const link of links) {
      const res = await fetch(link, { headers: { Accept: BROWSER_ACCEPT, ...(link.endsWith('/metrics') ? { Authorization: `Bearer ${admin}` } : {}) } });
      expect([link, res.status]).toEqual([link, 200]);
    }
  });

  it('gives a JSON index of every face with absolute URLs for Accept: application/json, built from the listening URL and never from the Host header', async () => {
    const res = await getJson(`${s.url}/`, { Accept: 'application/json', Host: 'gateway.example:8080' });
    expect(res.type).toBe('application/json; charset=utf-8');
    const index = res.body;
    expect(index.name).toBe('polyface');
    expect(JSON.stringify(index)).not.toContain('gateway.example');
    expect(index.faces.map((f) => f.name).sort()).toEqual(['chat', 'compare', 'events', 'gateway', 'graphql', 'grpc', 'jsonrpc', 'rest', 'soap', 'socketio']);
    const href = (face: string, rel: string) => index.faces.find((f) => f.name === face)!.links.find((l) => l.rel === rel)!.href;
    expect(href('rest', 'docs')).toBe(`${s.url}/docs`);
    expect(href('rest', 'contract')).toBe(`${s.url}/api/v1/openapi.json`);
    expect(href('graphql', 'explorer')).toBe(`${s.url}/graphql`);
    expect(href('soap', 'contract')).toBe(`${s.url}/soap?wsdl`);
    expect(href('jsonrpc', 'websocket')).toBe(`${s.url.replace(/^http/, 'ws')}/rpc`);
    expect(href('jsonrpc', 'contract')).toBe(`${s.url}/rpc/openrpc.json`);
    // gRPC is on its own (bound) port; its .proto files are readable over HTTP.
    expect(href('grpc', 'endpoint')).toBe(`grpc://${s.app.grpcAddress}`);
    expect(index.faces.find((f) => f.name === 'grpc')!.links.filter((l) => l.rel === 'contract').map((l) => l.href)).toEqual([
      `${s.url}/contracts/user.proto`,
      `${s.url}/contracts/polyface/v1/polyface.proto`,
    ]);
    expect(href('socketio', 'page')).toBe(`${s.url}/chat`);
    expect(href('chat', 'websocket')).toBe(`${s.url.replace(/^http/, 'ws')}/ws/chat`);
  });

  it('answers clients that accept anything (curl) with the JSON index, whatever the Host header says', async () => {
    const res = await getJson(`${s.url}/`, { Accept: '*/*', Host: 'evil"><script>' });
    expect(res.type).toBe('application/json; charset=utf-8');
    expect(res.body.faces.find((f) => f.name === 'rest')!.links[0]!.href).toBe(`${s.url}/api/v1`);
  });

  it('HEAD has the headers without a body; other methods get 405 with Allow; unacceptable types 406', async () => {
    const head = await fetch(`${s.url}/`, { method: 'HEAD', headers: { Accept: 'application/json' } });
    expect(head.status).toBe(200);
    expect(await head.text()).toBe('');
    const post = await fetch(`${s.url}/`, { method: 'POST' });
    expect(post.status).toBe(405);
    expect(post.headers.get('allow')).toBe('GET, HEAD');
    expect((await fetch(`${s.url}/`, { headers: { Accept: 'image/png' } })).status).toBe(406);
  });

  it('serves contract documents not served elsewhere (the .proto files) under /contracts/', async () => {
    const res = await fetch(`${s.url}/contracts/user.proto`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/plain; charset=utf-8');
    expect(await res.text()).toContain('package user;');
    expect((await fetch(`${s.url}/contracts/../package.json`)).status).toBe(404);
    expect((await fetch(`${s.url}/contracts/nothing.proto`)).status).toBe(404);
  });

  it('serves the site icon: /favicon.ico (an ICO holding a PNG) and /favicon.svg', async () => {
    const ico = await fetch(`${s.url}/favicon.ico`);
    expect(ico.status).toBe(200);
    expect(ico.headers.get('content-type')).toBe('image/x-icon');
    const bytes = Buffer.from(await ico.arrayBuffer());
    expect([...bytes.subarray(0, 6)]).toEqual([0, 0, 1, 0, 1, 0]);
    expect(bytes.subarray(22, 30).toString('latin1')).toBe('\x89PNG\r\n\x1a\n');
    expect(bytes.readUInt32LE(14)).toBe(bytes.length - 22);
    const svg = await fetch(`${s.url}/favicon.svg`);
    expect(svg.headers.get('content-type')).toBe('image/svg+xml');
    expect(await svg.text()).toMatch(/^<svg /);
  });
});

describe('faces from the registry', () => {
  it('a binding that declares no face is still listed, by its paths, so a new style appears without editing the page', async () => {
    const chat = derivedFace({ name: 'chat', paths: ['/chat', '/ws/chat'] });
    let base = '';
    const landing = new LandingHttp(() => [chat], () => base);
    const server: Server = createServer((req, res) => void landing.handle(req, res));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    const { port } = server.address() as { port: number };
    base = `http://127.0.0.1:${port}`;
    const index = (await (await fetch(`http://127.0.0.1:${port}/`, { headers: { Accept: 'application/json' } })).json()) as Index;
    expect(index.faces).toEqual([
      {
        name: 'chat',
        title: 'chat',
        summary: 'Served at /chat, /ws/chat',
        links: [
          { rel: 'endpoint', title: '/chat', href: `http://127.0.0.1:${port}/chat` },
          { rel: 'endpoint', title: '/ws/chat', href: `http://127.0.0.1:${port}/ws/chat` },
        ],
      },
    ]);
    await new Promise<void>((r) => server.close(() => r()));
  });
});
