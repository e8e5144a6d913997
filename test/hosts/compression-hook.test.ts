import { createServer, request, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gunzipSync } from 'node:zlib';
import { afterEach, describe, expect, it } from 'vitest';
import { compressionHook } from '../../src/hosts/compression.js';

/** A server whose only handler streams two chunks of `type`, the second after the client has seen the first. */
async function streaming(type: string): Promise<{ server: Server; url: string; second: () => void }> {
  const hook = compressionHook(0);
  let release = () => {};
  const server = createServer((req, res) => {
    void hook(req, res, async () => {
      // No no-transform, no Content-Encoding: only the hook's own rule can keep this stream uncompressed.
      res.writeHead(200, { 'Content-Type': type });
      res.write('data: one\n\n');
      await new Promise<void>((resolve) => (release = resolve));
      res.end('data: two\n\n');
    }, { binding: 'test' });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`, second: () => release() };
}

function get(url: string): Promise<IncomingMessage> {
  return new Promise((resolve, reject) => request(url, { headers: { 'Accept-Encoding': 'gzip' } }, resolve).on('error', reject).end());
}

const servers: Server[] = [];
afterEach(async () => {
  for (const s of servers.splice(0)) await new Promise((resolve) => s.close(resolve));
});

describe('the front door compression hook', () => {
  it("leaves the front door's own answers alone (no binding owns the path: probes, 404s), with no Vary, whatever the client offers", async () => {
    const hook = compressionHook(0);
    const server = createServer((req, res) => {
      void hook(req, res, async () => {
        res.writeHead(200, { 'Content-Type': 'text/plain; charset=utf-8' });
        res.end('x'.repeat(4096));
      }, { binding: req.url === '/owned' ? 'test' : undefined });
    });
    servers.push(server);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const own = await get(`${base}/healthz`);
    expect(own.headers['content-encoding']).toBeUndefined();
    expect(own.headers.vary).toBeUndefined();
    let length = 0;
    for await (const c of own) length += (c as Buffer).length;
    expect(length).toBe(4096);
    // The same answer on a path a binding owns is compressed: the route is what decides.
    const owned = await get(`${base}/owned`);
    expect(owned.headers['content-encoding']).toBe('gzip');
    expect(owned.headers.vary).toBe('Accept-Encoding');
    owned.resume();
  });

  it('passes text/event-stream through uncompressed, each write reaching the client when written', async () => {
    const s = await streaming('text/event-stream; charset=utf-8');
    servers.push(s.server);
    const res = await get(s.url);
    expect(res.headers['content-encoding']).toBeUndefined();
    // Were it compressed, nothing would arrive until the end: the compressor holds the first chunk.
    const first = await Promise.race([
      new Promise<string>((resolve) => res.once('data', (c: Buffer) => resolve(c.toString('utf8')))),
      new Promise<string>((resolve) => setTimeout(() => resolve('(nothing within 2 s)'), 2_000)),
    ]);
    s.second();
    expect(first).toBe('data: one\n\n');
    const rest: Buffer[] = [];
    for await (const c of res) rest.push(c as Buffer);
    expect(Buffer.concat(rest).toString('utf8')).toBe('data: two\n\n');
  });

  it('compresses the same stream under another type (so the rule above is what keeps event streams plain)', async () => {
    const s = await streaming('text/plain; charset=utf-8');
    servers.push(s.server);
    const res = await get(s.url);
    expect(res.headers['content-encoding']).toBe('gzip');
    s.second();
    const body: Buffer[] = [];
    for await (const c of res) body.push(c as Buffer);
    expect(gunzipSync(Buffer.concat(body)).toString('utf8')).toBe('data: one\n\ndata: two\n\n');
  });
});
