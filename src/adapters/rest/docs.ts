import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import express, { type Router } from 'express';
import { API_BASE } from './routes.js';

/**
 * Swagger UI at /docs from the locally installed swagger-ui-dist (no CDN):
 * our own page and initializer, its static assets beside them.
 */
const assets = dirname(createRequire(import.meta.url).resolve('swagger-ui-dist/package.json'));

const PAGE = `<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <title>polyface REST API</title>
  <link rel="stylesheet" href="/docs/swagger-ui.css">
</head>
<body>
  <div id="swagger-ui"></div>
  <script src="/docs/swagger-ui-bundle.js"></script>
  <script src="/docs/swagger-ui-standalone-preset.js"></script>
  <script src="/docs/init.js"></script>
</body>
</html>
`;

const INIT = `window.onload = function () {
  window.ui = SwaggerUIBundle({
    url: '${API_BASE}/openapi.json',
    dom_id: '#swagger-ui',
    presets: [SwaggerUIBundle.presets.apis, SwaggerUIStandalonePreset],
    layout: 'StandaloneLayout',
  });
};
`;

// Scripts come only from here; Swagger UI sets inline styles and data: images.
const CSP = "default-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'";

export function docsRouter(): Router {
  const router = express.Router({ strict: false });
  router.get(['/docs', '/docs/', '/docs/index.html'], (_req, res) => {
    res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8', 'Content-Security-Policy': CSP, 'Content-Length': String(Buffer.byteLength(PAGE)) });
    res.end(PAGE);
  });
  router.get('/docs/init.js', (_req, res) => {
    res.writeHead(200, { 'Content-Type': 'text/javascript; charset=utf-8', 'Content-Length': String(Buffer.byteLength(INIT)) });
    res.end(INIT);
  });
  router.use('/docs', express.static(assets, { index: false, fallthrough: true, maxAge: '1h' }));
  return router;
}
