import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { HttpHost, type FrontDoorHook } from '../../src/hosts/http.js';
import { createLogger } from '../../src/infra/logger.js';

// The front door's own handling, on a real node:http server: probes answered without a binding, and a hook that
// fails — throwing before it calls next, or rejecting after — answered 500 once, the connection still usable.
const hosts: HttpHost[] = [];
afterEach(async () => {
  for (const h of hosts.splice(0)) await h.stop(100);
});

async function open(hooks: FrontDoorHook[]): Promise<string> {
  const host = new HttpHost({ log: createLogger('silent', 'json'), hooks, bindings: [], probes: {} });
  hosts.push(host);
  host.open();
  await new Promise<void>((resolve) => host.server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(host.server.address() as AddressInfo).port}`;
}

describe('the front door', () => {
  it('answers /healthz through the hooks, with a request id and nosniff', async () => {
    const seen: string[] = [];
    const url = await open([(req, _res, next) => (seen.push(req.url!), next())]);
    const res = await fetch(`${url}/healthz`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: 'ok' });
    expect(res.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(seen).toEqual(['/healthz']);
    expect((await fetch(`${url}/healthz`, { method: 'POST' })).status).toBe(405);
  });

  it('answers 500 when a hook throws or its promise rejects, and goes on serving', async () => {
    const url = await open([
      (req, _res, next) => {
        if (req.url === '/throws') throw new Error('hook failed');
        if (req.url === '/rejects') return Promise.reject(new Error('hook failed later'));
        return next();
      },
    ]);
    for (const path of ['/throws', '/rejects']) {
      const res = await fetch(`${url}${path}`);
      expect(res.status, path).toBe(500);
      expect(res.headers.get('content-type')).toBe('application/problem+json');
      expect(await res.json()).toEqual({ type: 'about:blank', title: 'Internal Server Error', status: 500 });
    }
    expect((await fetch(`${url}/nothing-here`)).status).toBe(404);
  });
});
