import type { IncomingMessage, ServerResponse } from 'node:http';
import { createRequire } from 'node:module';
import Negotiator from 'negotiator';
import { resolveHref, type Face, type FaceLink } from '../protocols/shared/face.js';
import { pathOf, sendJson, varyWith, type HttpBinding } from '../protocols/shared/http.js';
import { faviconIco, FAVICON_SVG } from './favicon.js';

const CONTRACTS = '/contracts/';

const { version, description } = createRequire(import.meta.url)('../../package.json') as { version: string; description: string };

/** A link's URL for people and programs: WebSocket links get the ws(s) scheme. */
export function linkUrl(link: FaceLink, baseUrl: string): string {
  const url = resolveHref(link.href, baseUrl);
  return link.rel === 'websocket' ? url.replace(/^http/, 'ws') : url;
}

/** The JSON index: every face with absolute URLs. */
export function indexDocument(faces: readonly Face[], baseUrl: string) {
  return {
    name: 'polyface',
    version,
    description,
    links: { self: `${baseUrl}/` },
    faces: faces.map((f) => ({
      name: f.name,
      title: f.title,
      summary: f.summary,
      links: f.links.map((l) => ({ rel: l.rel, title: l.title, href: linkUrl(l, baseUrl), ...(l.type ? { type: l.type } : {}) })),
    })),
  };
}

const escape = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

function page(faces: readonly Face[], baseUrl: string): string {
  const sections = faces
    .map((f) => {
      const items = f.links
        .map((l) => {
          const url = linkUrl(l, baseUrl);
          // Documents and pages (links with a media type) open in a browser; endpoints (POST-only, ws://) are shown, not linked.
          const target = l.type ? `<a href="${escape(url)}">${escape(url)}</a>` : `<code>${escape(url)}</code>`;
          return `<li><span class="t">${escape(l.title)}</span> ${target}</li>`;
        })
        .join('\n        ');
      return `<section id="${escape(f.name)}">
      <h2>${escape(f.title)}</h2>
      <p>${escape(f.summary)}</p>
      <ul>
        ${items}
      </ul>
    </section>`;
    })
    .join('\n    ');
  return `<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>polyface</title>
  <link rel="icon" href="/favicon.svg" type="image/svg+xml">
  <style>
    body { font: 16px/1.5 system-ui, sans-serif; margin: 0 auto; max-width: 56rem; padding: 1.5rem; color: #1b1b1b; }
    h1 { margin-bottom: 0; } h2 { margin: 0 0 .25rem; font-size: 1.2rem; }
    section { border: 1px solid #d8dee4; border-radius: 8px; padding: 1rem 1.25rem; margin: 1rem 0; }
    ul { list-style: none; padding: 0; margin: .5rem 0 0; } li { margin: .2rem 0; }
    .t { display: inline-block; min-width: 18rem; color: #57606a; } code { font-size: .95em; }
    p { margin: .25rem 0; } .lead { color: #57606a; margin-top: .25rem; }
  </style>
</head>
<body>
  <main>
    <h1>polyface</h1>
    <p class="lead">${escape(description)} Version ${escape(version)}.</p>
    <p>Log in as <code>admin</code> with <code>ADMIN_PASSWORD</code>, or as <code>alice@example.com</code> / <code>bob@example.com</code> with <code>DEMO_PASSWORD</code>.
    The same list is at this address as JSON (<code>Accept: application/json</code>).</p>
    ${sections}
  </main>
</body>
</html>
`;
}

const HTML_HEADERS = {
  'Content-Type': 'text/html; charset=utf-8',
  'Cache-Control': 'no-cache',
  // Nothing but the inline styles above and the icon: no script runs on this page.
  'Content-Security-Policy': "default-src 'none'; style-src 'unsafe-inline'; img-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
};

/**
 * GET / — the landing page for browsers and a JSON index of every face for
 * `Accept: application/json` (and for clients that accept anything, like
 * curl), built from the faces the registered styles declare; plus the site
 * icon. Not a style: it calls nothing in the runtime.
 */
export class LandingHttp implements HttpBinding {
  readonly name = 'landing';
  readonly paths = ['/', '/favicon.ico', '/favicon.svg'];
  /** Every face's contract documents by file name (e.g. /contracts/user.proto), for those not served elsewhere. */
  readonly prefixes = [CONTRACTS];

  constructor(
    private readonly faces: () => readonly Face[],
    /**
     * The gateway's public base URL (config PUBLIC_URL, else the listening URL). Never the request's Host
     * header: links built from it would let anyone who can forge one (a cache poisoner, a DNS rebinder) point
     * readers of this page elsewhere (issue 10, finding 10).
     */
    private readonly baseUrl: () => string,
  ) {}

  handle(req: IncomingMessage, res: ServerResponse): void {
    const method = req.method ?? 'GET';
    if (method !== 'GET' && method !== 'HEAD') {
      res.setHeader('Allow', 'GET, HEAD');
      return sendJson(res, 405, { type: 'about:blank', title: 'Method Not Allowed', status: 405, detail: `${method} is not allowed here; allowed: GET, HEAD` }, 'application/problem+json');
    }
    const path = pathOf(req.url);
    if (path.startsWith(CONTRACTS)) return this.contract(res, method, path.slice(CONTRACTS.length), this.baseUrl());
    if (path === '/favicon.ico') return send(res, method, { 'Content-Type': 'image/x-icon', 'Cache-Control': 'public, max-age=86400' }, faviconIco());
    if (path === '/favicon.svg') return send(res, method, { 'Content-Type': 'image/svg+xml', 'Cache-Control': 'public, max-age=86400' }, FAVICON_SVG);
    const base = this.baseUrl();
    // JSON first: a client that accepts anything (curl's */*) gets the index; a browser prefers text/html.
    const type = new Negotiator(req).mediaType(['application/json', 'text/html']);
    if (type === 'text/html') return send(res, method, { ...HTML_HEADERS, Vary: 'Accept' }, page(this.faces(), base));
    if (type === 'application/json') {
      const body = `${JSON.stringify(indexDocument(this.faces(), base), null, 2)}\n`;
      return send(res, method, { 'Content-Type': 'application/json; charset=utf-8', 'Cache-Control': 'no-cache', Vary: 'Accept' }, body);
    }
    sendJson(res, 406, { type: 'about:blank', title: 'Not Acceptable', status: 406, detail: 'Available: application/json, text/html' }, 'application/problem+json');
  }

  private contract(res: ServerResponse, method: string, file: string, base: string): void {
    const doc = this.faces()
      .flatMap((f) => f.contracts ?? [])
      .find((d) => d.file === file);
    if (!doc) return sendJson(res, 404, { type: 'about:blank', title: 'Not Found', status: 404, detail: `No contract document ${file}` }, 'application/problem+json');
    const type = doc.mediaType.startsWith('text/') || doc.mediaType.endsWith('json') ? `${doc.mediaType}; charset=utf-8` : doc.mediaType;
    send(res, method, { 'Content-Type': type, 'Cache-Control': 'no-cache' }, doc.render(base));
  }
}

function send(res: ServerResponse, method: string, headers: Record<string, string>, body: string | Buffer): void {
  const vary = headers.Vary === undefined ? {} : { Vary: varyWith(res, headers.Vary) };
  res.writeHead(200, { ...headers, ...vary, 'Content-Length': Buffer.byteLength(body), 'X-Content-Type-Options': 'nosniff' });
  res.end(method === 'HEAD' ? undefined : body);
}
