import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, extname, join } from 'node:path';
import { StaticAssets } from '../shared/assets.js';
import type { HttpReply } from '../shared/http.js';
import { API_BASE, DOCS_PATH } from './spec.js';

/**
 * Swagger UI at /docs from the locally installed swagger-ui-dist (no CDN):
 * our own page and initializer, its static files beside them. Only names
 * listed in the package's folder at start can be served, so no request
 * path can reach any other file.
 */
const dist = dirname(createRequire(import.meta.url).resolve('swagger-ui-dist/package.json'));

const PAGE = `<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <title>polyface REST API</title>
  <link rel="icon" href="/favicon.svg" type="image/svg+xml">
  <link rel="stylesheet" href="${DOCS_PATH}/swagger-ui.css">
</head>
<body>
  <div id="swagger-ui"></div>
  <script src="${DOCS_PATH}/swagger-ui-bundle.js"></script>
  <script src="${DOCS_PATH}/swagger-ui-standalone-preset.js"></script>
  <script src="${DOCS_PATH}/init.js"></script>
</body>
</html>
`;

const INIT = `window.onload = function () {
  window.ui = SwaggerUIBundle({
    url: '${API_BASE}/openapi.json',
    dom_id: '#swagger-ui',
    presets: [SwaggerUIBundle.presets.apis, SwaggerUIStandalonePreset],
    layout: 'StandaloneLayout',
    // Authorize once (a token, or username and password through the password flow) and keep it across reloads.
    persistAuthorization: true,
  });
};
`;

// Scripts come only from here; Swagger UI sets inline styles and data: images. No other site may frame the
// page (CSP Level 3 §6.4.2 frame-ancestors: clickjacking its Authorize and Try-it-out buttons).
const CSP = "default-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'";

const TYPES: Record<string, string> = {
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.html': 'text/html; charset=utf-8',
  '.png': 'image/png',
  '.map': 'application/json; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.md': 'text/markdown; charset=utf-8',
};

export class DocsExplorer {
  private readonly files = new Set(readdirSync(dist));
  private readonly assets = new StaticAssets();

  /** Undefined when nothing of the docs lives at the path. */
  reply(pathname: string, method: string, acceptEncoding: string | undefined): HttpReply | undefined {
    if (pathname === DOCS_PATH || pathname === `${DOCS_PATH}/` || pathname === `${DOCS_PATH}/index.html`) {
      return this.only(method) ?? { status: 200, headers: { 'Content-Type': TYPES['.html']!, 'Content-Security-Policy': CSP }, body: method === 'HEAD' ? undefined : PAGE };
    }
    if (!pathname.startsWith(`${DOCS_PATH}/`)) return undefined;
    const name = pathname.slice(DOCS_PATH.length + 1);
    if (name === 'init.js') return this.only(method) ?? { status: 200, headers: { 'Content-Type': TYPES['.js']! }, body: method === 'HEAD' ? undefined : INIT };
    if (!this.files.has(name) || name === 'index.html') return undefined;
    const reply = this.assets.reply(name, TYPES[extname(name)] ?? 'application/octet-stream', () => readFileSync(join(dist, name)), method, acceptEncoding);
    // The package's other pages (oauth2-redirect.html) are pages of ours too.
    return extname(name) === '.html' && reply.status === 200 ? { ...reply, headers: { ...reply.headers, 'Content-Security-Policy': CSP } } : reply;
  }

  private only(method: string): HttpReply | undefined {
    return method === 'GET' || method === 'HEAD' ? undefined : { status: 405, headers: { Allow: 'GET, HEAD' } };
  }
}
