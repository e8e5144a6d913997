import { gzipSync } from 'node:zlib';
import type { HttpReply } from './http.js';

/**
 * Files the explorers serve from installed packages (no CDN): each is read
 * and gzipped once, on first request — GraphiQL's bundle is 3.5 MB raw —
 * and answered as a reply record for GET or HEAD.
 */
export class StaticAssets {
  private readonly loaded = new Map<string, { raw: Buffer; gzip: Buffer }>();

  reply(name: string, type: string, load: () => Buffer, method: string | undefined, acceptEncoding: string | undefined): HttpReply {
    if (method !== 'GET' && method !== 'HEAD') return { status: 405, headers: { Allow: 'GET, HEAD' } };
    let file = this.loaded.get(name);
    if (!file) {
      const raw = load();
      file = { raw, gzip: gzipSync(raw) };
      this.loaded.set(name, file);
    }
    const gzip = /\bgzip\b/i.test(acceptEncoding ?? '');
    const bytes = gzip ? file.gzip : file.raw;
    return {
      status: 200,
      headers: {
        'Content-Type': type,
        'Content-Length': bytes.length,
        'Cache-Control': 'public, max-age=3600',
        'X-Content-Type-Options': 'nosniff',
        Vary: 'Accept-Encoding',
        ...(gzip ? { 'Content-Encoding': 'gzip' } : {}),
      },
      body: method === 'HEAD' ? undefined : bytes,
    };
  }
}
