import type { IncomingMessage } from 'node:http';
import { PassThrough } from 'node:stream';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { testConfig } from '../../infra/config.js';
import { WsConnections, WsGuard } from './ws.js';

// The per-address WebSocket cap counts what the limits count as one client (domain/client-group.ts): an IPv6
// client's /64, and an IPv4-mapped address as its IPv4 address. Driven with plain records: a request carrying only
// its peer's address, and a stream standing in for the socket, on which a refusal is written.
const guards: WsGuard[] = [];
afterEach(() => {
  for (const g of guards.splice(0)) g.server.close();
});

function handshake(guard: WsGuard, remoteAddress: string): Promise<string> {
  const socket = new PassThrough();
  let written = '';
  socket.setEncoding('utf8').on('data', (d: string) => (written += d));
  const req = { socket: { remoteAddress }, headers: {}, method: 'GET', url: '/rpc' } as unknown as IncomingMessage;
  guard.upgrade(req, socket, Buffer.alloc(0), () => {});
  return new Promise((resolve) => setImmediate(() => resolve(written)));
}

describe('WsGuard: sockets per client address', () => {
  it('refuses a new IPv6 address of a /64 that holds its share, and an IPv4-mapped address whose IPv4 address does', async () => {
    const connections = new WsConnections();
    const guard = new WsGuard({ ...testConfig({}).ws, maxPayloadBytes: 1024, maxConnectionsPerAddress: 2 }, connections, pino({ level: 'silent' }), 'test');
    guards.push(guard);
    for (const held of ['2001:db8:1:2::/64', '2001:db8:1:2::/64', '10.0.0.9', '10.0.0.9']) expect(connections.acquire(held, 2)).toBe(true);

    expect(await handshake(guard, '2001:db8:1:2:ffff::99')).toMatch(/^HTTP\/1\.1 429 /);
    expect(await handshake(guard, '::ffff:10.0.0.9')).toMatch(/^HTTP\/1\.1 429 /);
    // Another /64 is another client: past the cap, on to ws, which refuses this request (no WebSocket headers) with 400.
    expect(await handshake(guard, '2001:db8:1:3::1')).toMatch(/^HTTP\/1\.1 400 /);
  });
});
