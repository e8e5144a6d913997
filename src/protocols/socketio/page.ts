import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { StaticAssets } from '../shared/assets.js';
import type { HttpReply } from '../shared/http.js';
import { CHAT_ASSET_PREFIX, CHAT_PAGE_PATH } from './spec.js';
import { CHAT_CSS, CHAT_HTML, CHAT_JS } from './page-files.js';

const require = createRequire(import.meta.url);
const clientDist = () => join(dirname(require.resolve('socket.io/package.json')), 'client-dist');

const JS = 'text/javascript; charset=utf-8';

const ASSETS: Record<string, { type: string; load: () => Buffer }> = {
  // The client build that ships inside the installed socket.io package, so page and server always match (no CDN).
  'socket.io.min.js': { type: JS, load: () => readFileSync(join(clientDist(), 'socket.io.min.js')) },
  'socket.io.min.js.map': { type: 'application/json', load: () => readFileSync(join(clientDist(), 'socket.io.min.js.map')) },
  'chat.js': { type: JS, load: () => Buffer.from(CHAT_JS) },
  'chat.css': { type: 'text/css; charset=utf-8', load: () => Buffer.from(CHAT_CSS) },
};

/**
 * Only our own files may run or style the page, and it may talk only to its
 * own origin (CSP 3 `'self'` covers same-host ws: too). The page renders
 * user text as text; the policy is a second wall behind that, not the
 * first. (`data:` images only for the empty favicon, which spares a 404.)
 */
const CSP = "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self' data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

/** The /chat page and its assets. */
export class ChatPage {
  private readonly files = new StaticAssets();

  reply(path: string, method: string | undefined, acceptEncoding: string | undefined): HttpReply {
    if (path === CHAT_PAGE_PATH) {
      if (method !== 'GET' && method !== 'HEAD') return { status: 405, headers: { Allow: 'GET, HEAD' } };
      return {
        status: 200,
        headers: {
          'Content-Type': 'text/html; charset=utf-8',
          'Content-Length': Buffer.byteLength(CHAT_HTML),
          'Cache-Control': 'no-cache',
          'Content-Security-Policy': CSP,
          'X-Content-Type-Options': 'nosniff',
          'Referrer-Policy': 'no-referrer',
        },
        body: method === 'HEAD' ? undefined : CHAT_HTML,
      };
    }
    const name = path.startsWith(CHAT_ASSET_PREFIX) ? path.slice(CHAT_ASSET_PREFIX.length) : '';
    const asset = Object.hasOwn(ASSETS, name) ? ASSETS[name] : undefined;
    if (asset) return this.files.reply(name, asset.type, asset.load, method, acceptEncoding);
    const body = JSON.stringify({ type: 'about:blank', title: 'Not Found', status: 404, detail: `No resource at ${path}` });
    return { status: 404, headers: { 'Content-Type': 'application/problem+json' }, body };
  }
}
